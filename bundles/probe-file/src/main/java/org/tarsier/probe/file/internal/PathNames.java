package org.tarsier.probe.file.internal;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * Normalises the paths that the kernel builds and matches them against path prefixes, with the
 * rules that file.bpf.c applies to the paths it can compare without normalising.
 */
final class PathNames {

    /** Prefix of a path whose outer components were cut at the kernel walk's bounds. */
    static final String CUT_PATH_PREFIX = "...";

    private PathNames() {
    }

    /**
     * Removes empty and {@code .} components and resolves {@code ..} lexically, without looking
     * at symbolic links; {@code ..} at the root stays at the root. A truncated path keeps its
     * leading {@code ..} components and starts with {@link #CUT_PATH_PREFIX}.
     *
     * @param path an absolute path, or the inner part of a truncated one
     */
    static String normalize(String path, boolean truncated) {
        Deque<String> components = new ArrayDeque<>();
        for (String component : path.split("/")) {
            if (component.isEmpty() || component.equals(".")) {
                continue;
            }
            if (!component.equals("..")) {
                components.addLast(component);
            } else if (!components.isEmpty() && !components.peekLast().equals("..")) {
                components.removeLast();
            } else if (truncated) {
                components.addLast(component);
            }
        }
        String joined = String.join("/", components);
        return truncated ? CUT_PATH_PREFIX + "/" + joined : "/" + joined;
    }

    /**
     * Returns whether a prefix matches whole components of a path: {@code /etc} matches
     * {@code /etc} and {@code /etc/passwd} but not {@code /etcx}; {@code /etc/} matches only
     * paths below {@code /etc}.
     */
    static boolean matches(String prefix, String path) {
        if (!path.startsWith(prefix)) {
            return false;
        }
        return prefix.endsWith("/") || path.length() == prefix.length()
                || path.charAt(prefix.length()) == '/';
    }

    /**
     * Returns whether a sensitive-read pattern matches a path. Without {@code *} it is a prefix
     * as in {@link #matches}. With one, the bytes before the {@code *} start the path, the
     * {@code *} takes the rest of that component, and the part after it matches the rest of the
     * path as a prefix: {@code /home/*}{@code /.ssh} matches {@code /home/ann/.ssh/id_rsa}, and
     * {@code /etc/ssh/ssh_host_*} matches {@code /etc/ssh/ssh_host_rsa_key}.
     */
    static boolean matchesPattern(String pattern, String path) {
        int star = pattern.indexOf('*');
        if (star < 0) {
            return matches(pattern, path);
        }
        if (!path.startsWith(pattern.substring(0, star))) {
            return false;
        }
        int componentEnd = path.indexOf('/', star);
        String rest = componentEnd < 0 ? "" : path.substring(componentEnd);
        String tail = pattern.substring(star + 1);
        return tail.isEmpty() || matches(tail, rest);
    }

    /**
     * Returns whether a path passes the include and exclude lists: it matches an include
     * prefix, or the include list is empty, and it matches no exclude prefix.
     */
    static boolean selected(String path, List<String> includes, List<String> excludes) {
        if (!includes.isEmpty() && includes.stream().noneMatch(p -> matches(p, path))) {
            return false;
        }
        return excludes.stream().noneMatch(p -> matches(p, path));
    }
}
