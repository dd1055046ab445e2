package org.tarsier.detector.rules.internal.eval;

import java.util.LinkedHashMap;
import java.util.Map;
import org.tarsier.api.event.Event;
import org.tarsier.api.event.FileEvent;
import org.tarsier.api.event.FileOperation;

/**
 * Symbolic links created at run time, per container, so that an open of {@code /tmp/s} after
 * {@code ln -s /etc/shadow /tmp/s} is matched as an open of {@code /etc/shadow}. The file probe
 * reports the path a process passed, and a link made for the purpose is the easiest disguise.
 *
 * <p>Only links whose creation the file probe reported are known: links that came with the
 * image, or were made before the agent started, are not followed. Holds at most
 * {@code capacity} links, least recently used dropped first. Not thread-safe.
 */
final class SymbolicLinks {

    /** Links followed at most for one path, as the kernel's own limit of 40 is never needed. */
    static final int MAX_HOPS = 8;

    private final Map<String, String> targets;

    SymbolicLinks(int capacity) {
        this.targets = new LinkedHashMap<>(64, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
                return size() > capacity;
            }
        };
    }

    /** Records a created, removed or renamed link after its event was evaluated. */
    void record(Event event) {
        if (!(event instanceof FileEvent file) || file.failed()) {
            return;
        }
        String container = event.container().id();
        switch (file.operation()) {
            case SYMLINK -> {
                String link = resolve(container, file.path(), false);
                String target = file.targetPath().startsWith("/")
                        ? PathNames.normalize(file.targetPath())
                        : PathNames.resolve(directory(link), file.targetPath());
                targets.put(key(container, link), target);
            }
            case UNLINK -> targets.remove(key(container, resolve(container, file.path(), false)));
            case RENAME -> {
                String target = targets.remove(key(container,
                        resolve(container, file.path(), false)));
                if (target != null) {
                    targets.put(key(container, resolve(container, file.targetPath(), false)),
                            target);
                }
            }
            default -> {
            }
        }
    }

    /** Returns the path a file event acts on, with known links in its directories followed. */
    String resolve(FileEvent file) {
        String path = file.operation() == FileOperation.RENAME ? file.targetPath() : file.path();
        return resolve(file.container().id(), path, followsLastLink(file.operation()));
    }

    /**
     * Returns {@code path} normalized, with known links followed in its directories and, when
     * {@code followLast}, in its last component too.
     */
    String resolve(String container, String path, boolean followLast) {
        String current = PathNames.normalize(path);
        if (targets.isEmpty() || current == null || !current.startsWith("/")) {
            return current;
        }
        for (int hop = 0; hop < MAX_HOPS; hop++) {
            String next = followFirstLink(container, current, followLast);
            if (next == null) {
                return current;
            }
            current = next;
        }
        return current;
    }

    /** Returns the path with its first known link replaced by the target, or null if none. */
    private String followFirstLink(String container, String path, boolean followLast) {
        int end = path.indexOf('/', 1);
        while (true) {
            boolean last = end < 0;
            if (last && !followLast) {
                return null;
            }
            String prefix = last ? path : path.substring(0, end);
            String target = targets.get(key(container, prefix));
            if (target != null) {
                return PathNames.normalize(last ? target : target + path.substring(end));
            }
            if (last) {
                return null;
            }
            end = path.indexOf('/', end + 1);
        }
    }

    /** Returns whether the operation acts on a link's target rather than on the link itself. */
    private static boolean followsLastLink(FileOperation operation) {
        return switch (operation) {
            case OPEN, CHMOD, CHOWN, TRUNCATE -> true;
            default -> false;
        };
    }

    private static String directory(String path) {
        int slash = path.lastIndexOf('/');
        return slash <= 0 ? "/" : path.substring(0, slash);
    }

    private static String key(String container, String path) {
        return container + '\u0000' + path;
    }
}
