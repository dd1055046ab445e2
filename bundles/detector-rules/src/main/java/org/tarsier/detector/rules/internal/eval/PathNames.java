package org.tarsier.detector.rules.internal.eval;

import java.util.ArrayDeque;
import java.util.Deque;

/** Lexical normalization of absolute paths, so {@code /etc/./x/../shadow} matches /etc/shadow. */
final class PathNames {

    private PathNames() {
    }

    /**
     * Removes empty, {@code .} and {@code ..} components of an absolute path. Other paths are
     * returned unchanged. Symbolic links are not resolved, because events carry only the path.
     */
    static String normalize(String path) {
        if (path == null || !path.startsWith("/") || !needsWork(path)) {
            return path;
        }
        Deque<String> parts = new ArrayDeque<>();
        for (String part : path.split("/")) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                parts.pollLast();
            } else {
                parts.addLast(part);
            }
        }
        return "/" + String.join("/", parts);
    }

    /**
     * Returns {@code path} made absolute against {@code directory} and normalized. A relative
     * path stays as it is when the directory is unknown (empty or relative).
     */
    static String resolve(String directory, String path) {
        if (path == null || path.isEmpty() || path.startsWith("/") || directory == null
                || !directory.startsWith("/")) {
            return normalize(path);
        }
        return normalize(directory + "/" + path);
    }

    private static boolean needsWork(String path) {
        return path.contains("//") || path.contains("/./") || path.contains("/../")
                || path.endsWith("/.") || path.endsWith("/..")
                || (path.length() > 1 && path.endsWith("/"));
    }
}
