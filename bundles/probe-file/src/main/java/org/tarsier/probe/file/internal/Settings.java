package org.tarsier.probe.file.internal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Validated configuration of the file probe. Everything but {@code autoload} applies to a
 * loaded probe without reloading its programs.
 *
 * @param autoload load the programs when the component activates
 * @param containersOnly report only tasks outside the host's mount namespace
 * @param writeOpensOnly report only opens with a write, create, truncate or append flag, and
 *     read-only opens of paths that match {@code sensitiveReadPrefixes}
 * @param includePrefixes report only paths below one of these, unless empty
 * @param excludePrefixes never report paths below one of these
 * @param sensitiveReadPrefixes paths whose read-only opens are reported with
 *     {@code writeOpensOnly}; see {@link PathNames#matchesPattern} for the one {@code *} allowed
 * @param pollTimeoutMillis maximum wait of one ring-buffer poll, 10 to 10000
 */
record Settings(
        boolean autoload, boolean containersOnly, boolean writeOpensOnly,
        List<String> includePrefixes, List<String> excludePrefixes,
        List<String> sensitiveReadPrefixes, int pollTimeoutMillis) {

    static final String SCOPE_CONTAINERS = "containers";
    static final String SCOPE_ALL = "all";
    static final String OPENS_WRITE = "write";
    static final String OPENS_ALL = "all";

    /**
     * Files that the default rules watch for reads: password and sudo policy files, SSH
     * private keys of users, of service accounts below /var/lib and of the host.
     * FileProbe.Config repeats this list as its default, and a test compares the two.
     */
    static final List<String> DEFAULT_SENSITIVE_READ_PREFIXES = List.of("/etc/shadow",
            "/etc/shadow-", "/etc/gshadow", "/etc/gshadow-", "/etc/sudoers", "/etc/sudoers.d",
            "/etc/master.passwd", "/etc/security/opasswd", "/root/.ssh", "/home/*/.ssh",
            "/var/lib/*/.ssh", "/etc/ssh/ssh_host_*");

    static final Settings DEFAULTS = new Settings(true, true, true, List.of(), List.of(),
            DEFAULT_SENSITIVE_READ_PREFIXES, 100);

    static final String AUTOLOAD = "autoload";
    static final String SCOPE = "scope";
    static final String OPENS = "opens";
    static final String INCLUDE_PREFIXES = "include.prefixes";
    static final String EXCLUDE_PREFIXES = "exclude.prefixes";
    static final String SENSITIVE_READ_PREFIXES = "sensitive.read.prefixes";

    private static final char STAR_PLACEHOLDER = '\u0001';
    static final String POLL_TIMEOUT_MS = "poll.timeout.ms";

    Settings {
        includePrefixes = List.copyOf(includePrefixes);
        excludePrefixes = List.copyOf(excludePrefixes);
        sensitiveReadPrefixes = List.copyOf(sensitiveReadPrefixes);
    }

    /** Returns whether paths are filtered by prefix at all. */
    boolean filtersPaths() {
        return !includePrefixes.isEmpty() || !excludePrefixes.isEmpty();
    }

    /** Returns whether a read-only open of the path passes with {@code opens=write}. */
    boolean sensitiveRead(String path) {
        return sensitiveReadPrefixes.stream().anyMatch(p -> PathNames.matchesPattern(p, path));
    }

    /**
     * Checks raw values and returns the problems, one sentence each that names the property,
     * the bad value and what is expected. An empty list means the values are valid.
     */
    static List<String> problems(String scope, String opens, String[] includes,
            String[] excludes, String[] sensitiveReads, int pollTimeoutMillis) {
        List<String> problems = new ArrayList<>();
        checkChoice(problems, SCOPE, scope, SCOPE_CONTAINERS, SCOPE_ALL);
        checkChoice(problems, OPENS, opens, OPENS_WRITE, OPENS_ALL);
        checkPrefixes(problems, INCLUDE_PREFIXES, includes, false);
        checkPrefixes(problems, EXCLUDE_PREFIXES, excludes, false);
        checkPrefixes(problems, SENSITIVE_READ_PREFIXES, sensitiveReads, true);
        if (pollTimeoutMillis < 10 || pollTimeoutMillis > 10_000) {
            problems.add(POLL_TIMEOUT_MS + "=" + pollTimeoutMillis
                    + " is invalid: expected an integer from 10 to 10000");
        }
        return problems;
    }

    /** Builds settings from raw values that {@link #problems} accepted. */
    static Settings of(boolean autoload, String scope, String opens, String[] includes,
            String[] excludes, String[] sensitiveReads, int pollTimeoutMillis) {
        return new Settings(autoload, scope.equals(SCOPE_CONTAINERS), opens.equals(OPENS_WRITE),
                listOf(includes), listOf(excludes), listOf(sensitiveReads), pollTimeoutMillis);
    }

    @Override
    public String toString() {
        return AUTOLOAD + "=" + autoload + ", " + SCOPE + "="
                + (containersOnly ? SCOPE_CONTAINERS : SCOPE_ALL) + ", " + OPENS + "="
                + (writeOpensOnly ? OPENS_WRITE : OPENS_ALL) + ", " + INCLUDE_PREFIXES + "="
                + includePrefixes + ", " + EXCLUDE_PREFIXES + "=" + excludePrefixes + ", "
                + SENSITIVE_READ_PREFIXES + "=" + sensitiveReadPrefixes + ", "
                + POLL_TIMEOUT_MS + "=" + pollTimeoutMillis;
    }

    /**
     * Returns the entries, trimmed and split at commas, that are not blank. A .cfg file gives a
     * list as one comma-separated string, and a metatype form may send one empty entry.
     */
    private static List<String> listOf(String[] values) {
        return values == null ? List.of()
                : Arrays.stream(values).filter(v -> v != null)
                        .flatMap(v -> Arrays.stream(v.split(","))).map(String::trim)
                        .filter(v -> !v.isEmpty()).toList();
    }

    private static void checkChoice(List<String> problems, String property, String value,
            String first, String second) {
        if (!first.equals(value) && !second.equals(value)) {
            problems.add(property + "=" + value + " is invalid: expected " + first + " or "
                    + second);
        }
    }

    private static void checkPrefixes(List<String> problems, String property, String[] raw,
            boolean starAllowed) {
        List<String> values = listOf(raw);
        if (values.size() > RecordLayouts.PREFIX_COUNT_LIMIT) {
            problems.add(property + " has " + values.size() + " entries, which is invalid:"
                    + " expected at most " + RecordLayouts.PREFIX_COUNT_LIMIT);
        }
        for (String value : values) {
            String problem = starAllowed ? patternProblem(value) : prefixProblem(value);
            if (problem != null) {
                problems.add(property + " entry \"" + value + "\" is invalid: " + problem);
            }
        }
    }

    /**
     * Returns what is wrong with one sensitive-read prefix, or null if it is usable in the
     * kernel. It is a prefix with at most one {@code *}, which must end its component.
     */
    private static String patternProblem(String pattern) {
        int star = pattern.indexOf('*');
        if (star < 0) {
            return prefixProblem(pattern);
        }
        if (pattern.indexOf('*', star + 1) >= 0) {
            return "expected at most one *";
        }
        if (star + 1 < pattern.length() && pattern.charAt(star + 1) != '/') {
            return "expected * at the end of a component, such as /home/*/.ssh or"
                    + " /etc/ssh/ssh_host_*";
        }
        // A one-byte placeholder stands for the '*', so that the checks of a plain prefix
        // see a component there; it is put back in the message.
        String problem = prefixProblem(pattern.replace('*', STAR_PLACEHOLDER));
        return problem == null ? null : problem.replace(STAR_PLACEHOLDER, '*');
    }

    /** Returns what is wrong with one prefix, or null if it is usable in the kernel. */
    private static String prefixProblem(String prefix) {
        if (!prefix.startsWith("/")) {
            return "expected an absolute path such as /etc";
        }
        if (prefix.indexOf('\0') >= 0) {
            return "a path cannot contain NUL";
        }
        int bytes = prefix.getBytes(StandardCharsets.UTF_8).length;
        if (bytes >= RecordLayouts.PREFIX_SIZE) {
            return "it has " + bytes + " bytes, expected at most "
                    + (RecordLayouts.PREFIX_SIZE - 1);
        }
        String normal = PathNames.normalize(prefix, false);
        String withoutSlash = prefix.length() > 1 && prefix.endsWith("/")
                ? prefix.substring(0, prefix.length() - 1) : prefix;
        if (!normal.equals(withoutSlash)) {
            return "expected a normalised path without //, . or .. components, such as "
                    + normal;
        }
        return null;
    }
}
