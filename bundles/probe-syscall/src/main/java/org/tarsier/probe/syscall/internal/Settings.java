package org.tarsier.probe.syscall.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Validated configuration of the syscall probe.
 *
 * @param autoload load the programs when the component activates
 * @param windowMillis length of a count window in milliseconds
 * @param includeHost count and report tasks outside containers too
 * @param hostCgroups cgroup v2 ids whose tasks count as host tasks
 * @param syscalls names of the syscalls reported one event per call
 * @param countsMaxEntries entries of each counts map generation
 * @param pollTimeoutMillis maximum wait of one ring-buffer poll
 */
record Settings(boolean autoload, int windowMillis, boolean includeHost, Set<Long> hostCgroups,
        List<String> syscalls, int countsMaxEntries, int pollTimeoutMillis) {

    static final Settings DEFAULTS = new Settings(true, 1000, false, Set.of(),
            SyscallArguments.DEFAULT_SELECTION, 16384, 100);

    static final String AUTOLOAD = "autoload";
    static final String WINDOW_MS = "window.ms";
    static final String HOST = "host";
    static final String HOST_CGROUPS = "host.cgroups";
    static final String SYSCALLS = "syscalls";
    static final String COUNTS_MAX_ENTRIES = "counts.max.entries";
    static final String POLL_TIMEOUT_MS = "poll.timeout.ms";

    Settings {
        hostCgroups = Set.copyOf(hostCgroups);
        syscalls = List.copyOf(syscalls);
    }

    /**
     * Validates raw values and returns the settings or the problems, one sentence each naming
     * the property, the bad value and what is expected.
     *
     * @param hostCgroups decimal cgroup ids, or absolute paths of cgroup v2 directories whose
     *     inode number is the id
     */
    static Result parse(boolean autoload, int windowMillis, boolean includeHost,
            String[] hostCgroups, String[] syscalls, int countsMaxEntries, int pollTimeoutMillis,
            SyscallTable table) {
        List<String> problems = new ArrayList<>();
        checkRange(problems, WINDOW_MS, windowMillis, 100, 3_600_000);
        checkRange(problems, COUNTS_MAX_ENTRIES, countsMaxEntries, 64, 1 << 20);
        checkRange(problems, POLL_TIMEOUT_MS, pollTimeoutMillis, 10, 10_000);
        Set<Long> ids = cgroupIds(problems, hostCgroups == null ? new String[0] : hostCgroups);
        List<String> names = syscallNames(problems,
                syscalls == null ? new String[0] : syscalls, table);
        if (!problems.isEmpty()) {
            return new Result(null, problems);
        }
        return new Result(new Settings(autoload, windowMillis, includeHost, ids, names,
                countsMaxEntries, pollTimeoutMillis), List.of());
    }

    /** Settings, or the reasons why the values were invalid. */
    record Result(Settings settings, List<String> problems) {
    }

    @Override
    public String toString() {
        return AUTOLOAD + "=" + autoload + ", " + WINDOW_MS + "=" + windowMillis + ", " + HOST
                + "=" + includeHost + ", " + HOST_CGROUPS + "=" + hostCgroups + ", " + SYSCALLS
                + "=" + syscalls + ", " + COUNTS_MAX_ENTRIES + "=" + countsMaxEntries + ", "
                + POLL_TIMEOUT_MS + "=" + pollTimeoutMillis;
    }

    private static Set<Long> cgroupIds(List<String> problems, String[] entries) {
        Set<Long> ids = new LinkedHashSet<>();
        for (String entry : entries) {
            String value = entry.strip();
            if (value.isEmpty()) {
                continue;
            }
            if (value.startsWith("/")) {
                try {
                    ids.add(((Number) Files.getAttribute(Path.of(value), "unix:ino",
                            LinkOption.NOFOLLOW_LINKS)).longValue());
                } catch (IOException | UnsupportedOperationException e) {
                    problems.add(HOST_CGROUPS + " entry " + value + " is invalid: expected an"
                            + " existing cgroup v2 directory (" + e.getMessage() + ")");
                }
                continue;
            }
            try {
                long id = Long.parseLong(value);
                if (id <= 0) {
                    throw new NumberFormatException("not positive");
                }
                ids.add(id);
            } catch (NumberFormatException e) {
                problems.add(HOST_CGROUPS + " entry " + value + " is invalid: expected a positive"
                        + " cgroup id or the absolute path of a cgroup v2 directory");
            }
        }
        return ids;
    }

    private static List<String> syscallNames(List<String> problems, String[] entries,
            SyscallTable table) {
        List<String> names = new ArrayList<>();
        for (String entry : entries) {
            String name = entry.strip();
            if (name.isEmpty() || names.contains(name)) {
                continue;
            }
            if (table.number(SyscallTable.Abi.NATIVE, name).isEmpty()
                    && table.number(SyscallTable.Abi.COMPAT, name).isEmpty()) {
                problems.add(SYSCALLS + " entry " + name + " is invalid: expected a syscall name"
                        + " of " + table.architecture() + ", e.g. mount");
                continue;
            }
            names.add(name);
        }
        return names;
    }

    private static void checkRange(List<String> problems, String property, int value, int min,
            int max) {
        if (value < min || value > max) {
            problems.add(property + "=" + value + " is invalid: expected an integer from " + min
                    + " to " + max);
        }
    }
}
