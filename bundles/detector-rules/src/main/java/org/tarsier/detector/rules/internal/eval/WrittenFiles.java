package org.tarsier.detector.rules.internal.eval;

import java.util.LinkedHashMap;
import java.util.Map;
import org.tarsier.api.event.Event;
import org.tarsier.api.event.FileEvent;
import org.tarsier.api.event.FileOperation;

/**
 * Files written (opened for writing, created, renamed or linked to) per container since the agent
 * started, for {@code proc.is_exe_written}: an executable that was written at run time was
 * dropped, not shipped in the image. Holds at most {@code capacity} paths, least recently
 * written dropped first. Not thread-safe.
 */
final class WrittenFiles {

    private final Map<String, Boolean> paths;

    WrittenFiles(int capacity) {
        this.paths = new LinkedHashMap<>(1024, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > capacity;
            }
        };
    }

    void record(Event event) {
        if (!(event instanceof FileEvent file) || file.failed() || !file.writeIntent()) {
            return;
        }
        String path = switch (file.operation()) {
            case RENAME -> file.targetPath();
            case OPEN, LINK, SYMLINK, CHMOD, MKNOD, TRUNCATE -> file.path();
            default -> null;
        };
        if (path != null && file.operation() != FileOperation.CHMOD) {
            paths.put(key(event.container().id(), PathNames.normalize(path)), Boolean.TRUE);
        }
    }

    boolean contains(String containerId, String path) {
        return paths.containsKey(key(containerId, PathNames.normalize(path)));
    }

    private static String key(String containerId, String path) {
        return containerId + '\u0000' + path;
    }
}
