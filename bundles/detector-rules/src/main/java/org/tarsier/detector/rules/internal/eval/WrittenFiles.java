package org.tarsier.detector.rules.internal.eval;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.tarsier.api.event.Event;
import org.tarsier.api.event.FileEvent;
import org.tarsier.api.event.FileOperation;

/**
 * Files written (opened for writing, created, renamed or linked to) per container since the agent
 * started, for {@code proc.is_exe_written}: an executable that was written at run time was
 * dropped, not shipped in the image. Holds at most {@code capacity} paths, least recently
 * written dropped first. Not thread-safe.
 *
 * <p>Writes of a container engine on the host are not recorded: the engine unpacks image layers
 * from inside a chroot, so a host path such as {@code /bin/sh} in its events is a file of a
 * layer, and recording it would mark the host's own {@code /bin/sh} as dropped.
 */
final class WrittenFiles {

    /** Executables of container engines that write image layers from a chroot on the host. */
    static final Set<String> ENGINE_EXECUTABLES = Set.of("/usr/bin/dockerd", "/usr/sbin/dockerd",
            "/usr/local/bin/dockerd", "/usr/bin/containerd", "/usr/local/bin/containerd",
            "/usr/bin/buildkitd", "/usr/local/bin/buildkitd", "/usr/bin/podman",
            "/usr/bin/buildah", "/usr/bin/crio", "/usr/local/bin/crio");

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

    /** Records the path that {@code event} writes; {@code writerExe} is the writer's executable. */
    void record(Event event, String writerExe) {
        if (!(event instanceof FileEvent file) || file.failed() || !file.writeIntent()) {
            return;
        }
        if (event.container().isHost() && ENGINE_EXECUTABLES.contains(writerExe)) {
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
