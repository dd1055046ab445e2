package org.tarsier.features.internal;

import java.util.TreeMap;

import org.tarsier.api.container.ContainerInfo;

/** What the extractor keeps about one container between windows. */
final class ContainerState {

    private ContainerInfo info;
    private long cgroupId;
    private final BoundedSet<Integer> livePids;
    /** Counts of the windows still open, by window start in nanoseconds since the epoch. */
    final TreeMap<Long, WindowCounts> open = new TreeMap<>();
    int idleWindows;
    /** Whether the container resolver listed this container as running at least once. */
    boolean listed;
    long lastCpuUserMicros = -1;
    long lastCpuSystemMicros = -1;

    ContainerState(ContainerInfo info, long cgroupId, int maxProcesses) {
        this.info = info;
        this.cgroupId = cgroupId;
        this.livePids = new BoundedSet<>(maxProcesses);
    }

    ContainerInfo info() {
        return info;
    }

    long cgroupId() {
        return cgroupId;
    }

    /** Keeps the most complete identity: one the runtime named wins over one from the path. */
    void update(ContainerInfo seen, long seenCgroupId) {
        if (info.name().isEmpty() && !seen.name().isEmpty()
                || info.image().isEmpty() && !seen.image().isEmpty()) {
            info = seen;
        }
        if (cgroupId == 0) {
            cgroupId = seenCgroupId;
        }
    }

    /** Returns the key under which the container's image remembers executables. */
    String imageKey() {
        return info.image().isEmpty() ? "container:" + info.id() : info.image();
    }

    void processStarted(int pid) {
        livePids.add(pid);
    }

    void processExited(int pid) {
        livePids.remove(pid);
    }

    int liveProcesses() {
        return livePids.size();
    }

    long processOverflow() {
        return livePids.overflow();
    }
}
