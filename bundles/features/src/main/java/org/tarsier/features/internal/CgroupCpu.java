package org.tarsier.features.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Reads the CPU time of a cgroup v2 directory from its {@code cpu.stat} file, which the kernel
 * keeps in every cgroup v2 directory whether or not the cpu controller is enabled (Linux 4.15
 * and later). The directory of a cgroup id is the one whose inode number is that id.
 */
final class CgroupCpu {

    /** Depth of the cgroup tree searched for an id; Kubernetes pods sit about five deep. */
    private static final int MAX_DEPTH = 8;

    private final Path root;
    private final Map<Long, Optional<Path>> directories = new HashMap<>();

    CgroupCpu(Path root) {
        this.root = root;
    }

    /** Returns the reader of the host's cgroup v2 mount, or empty when none is mounted. */
    static Optional<CgroupCpu> ofHost() {
        try {
            return findMount(Files.readAllLines(Path.of("/proc/self/mountinfo")))
                    .map(CgroupCpu::new);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Returns the mount point of the first cgroup2 file system in mountinfo lines. */
    static Optional<Path> findMount(List<String> mountinfo) {
        for (String line : mountinfo) {
            String[] halves = line.split(" - ", 2);
            String[] fields = halves[0].split(" ");
            if (halves.length == 2 && halves[1].startsWith("cgroup2 ") && fields.length > 4) {
                return Optional.of(Path.of(fields[4].replace("\\040", " ")));
            }
        }
        return Optional.empty();
    }

    /**
     * Returns the user and system CPU time of a cgroup in microseconds, or empty when the
     * cgroup is gone or has no {@code cpu.stat}.
     */
    Optional<long[]> read(long cgroupId) {
        // A miss is kept too: a cgroup directory exists before the first task of the cgroup runs.
        Optional<Path> found = directories.computeIfAbsent(cgroupId, this::find);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        Path directory = found.get();
        try {
            long user = -1;
            long system = -1;
            for (String line : Files.readAllLines(directory.resolve("cpu.stat"))) {
                String[] pair = line.split(" ");
                if (pair[0].equals("user_usec")) {
                    user = Long.parseLong(pair[1]);
                } else if (pair[0].equals("system_usec")) {
                    system = Long.parseLong(pair[1]);
                }
            }
            if (user < 0 || system < 0) {
                return Optional.empty();
            }
            return Optional.of(new long[] {user, system});
        } catch (IOException | NumberFormatException | ArrayIndexOutOfBoundsException e) {
            return Optional.empty();
        }
    }

    /** Drops the cached directories of cgroups no longer read. */
    void retain(Collection<Long> cgroupIds) {
        directories.keySet().retainAll(cgroupIds);
    }

    private Optional<Path> find(long cgroupId) {
        try (Stream<Path> tree = Files.walk(root, MAX_DEPTH)) {
            Iterator<Path> paths = tree.filter(Files::isDirectory).iterator();
            while (paths.hasNext()) {
                Path path = paths.next();
                if (inode(path) == cgroupId) {
                    return Optional.of(path);
                }
            }
        } catch (IOException | UncheckedIOException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    private static long inode(Path path) {
        try {
            return ((Number) Files.getAttribute(path, "unix:ino")).longValue();
        } catch (IOException | UnsupportedOperationException e) {
            return -1;
        }
    }
}
