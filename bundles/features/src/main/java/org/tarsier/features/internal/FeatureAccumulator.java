package org.tarsier.features.internal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.tarsier.api.container.ContainerInfo;
import org.tarsier.api.event.Event;
import org.tarsier.api.event.ExecEvent;
import org.tarsier.api.event.ExitEvent;
import org.tarsier.api.event.FileEvent;
import org.tarsier.api.event.ForkEvent;
import org.tarsier.api.event.SyscallCountEvent;
import org.tarsier.api.event.SyscallEvent;
import org.tarsier.api.event.TcpEvent;
import org.tarsier.api.feature.FeatureWindow;

/**
 * Per-container counts in windows aligned to multiples of the window length since the epoch,
 * by event time. A window closes {@code lateness} after its end, so that events the probes
 * deliver late, such as the syscall probe's counts, still land in the window they belong to.
 * Events older than the oldest open window are counted in that window and as late.
 *
 * <p>Not thread-safe: the extractor calls it under one lock.
 */
final class FeatureAccumulator {

    /** Windows closed at once at most; a longer stall skips windows and counts them. */
    private static final int MAX_CATCH_UP = 16;

    private final Settings settings;
    private final long windowNanos;
    private final Map<String, ContainerState> containers = new LinkedHashMap<>();
    private final Map<String, Long> tombstones = new HashMap<>();
    private final ExecutableHistory executables;
    private final long firstWindowStart;
    private long closedUntil;
    private final Counters counters = new Counters();

    /**
     * Creates an accumulator whose first posted window starts at the first window boundary
     * after {@code nowNanos}, because the window around it is only partly observed.
     */
    FeatureAccumulator(Settings settings, long nowNanos) {
        this.settings = settings;
        this.windowNanos = settings.windowNanos();
        this.executables = new ExecutableHistory(settings.maxImages(), settings.maxExecutables());
        this.closedUntil = Math.floorDiv(nowNanos, windowNanos) * windowNanos;
        this.firstWindowStart = closedUntil + windowNanos;
    }

    Settings settings() {
        return settings;
    }

    /** Adds an event to its container's window; events of the host are ignored unless enabled. */
    void accept(Event event, long nowNanos) {
        ContainerState state = state(event.container(), event.header().cgroupId());
        if (state == null) {
            return;
        }
        if (event instanceof SyscallCountEvent counts) {
            addCounts(state, counts, nowNanos);
            return;
        }
        WindowCounts window = window(state, event.header().timeNanos(), nowNanos);
        switch (event) {
            case ExecEvent exec -> {
                state.processStarted(exec.header().pid());
                window.addExec(exec, executables.firstRun(state.imageKey(), exec.filename()));
            }
            case ForkEvent fork -> {
                if (!fork.isThread()) {
                    state.processStarted(fork.childPid());
                }
                window.addFork(fork);
            }
            case ExitEvent exit -> {
                state.processExited(exit.header().pid());
                window.addExit(exit);
            }
            case FileEvent file -> window.addFile(file);
            case TcpEvent tcp -> window.addTcp(tcp);
            case SyscallEvent syscall -> window.addSyscall(syscall);
            default -> counters.ignored++;
        }
    }

    /** Returns the containers whose CPU time is read, by id, with their cgroup ids. */
    Map<String, Long> cpuTargets() {
        Map<String, Long> targets = new LinkedHashMap<>();
        for (ContainerState state : containers.values()) {
            if (state.cgroupId() != 0 && !state.info().isHost()) {
                targets.put(state.info().id(), state.cgroupId());
            }
        }
        return targets;
    }

    /**
     * Records a container's cumulative CPU time read at the end of the window that starts at
     * {@code windowStart}; the window gets the time used since the previous reading.
     */
    void recordCpu(String containerId, long windowStart, long userMicros, long systemMicros,
            long nowNanos) {
        ContainerState state = containers.get(containerId);
        if (state == null) {
            return;
        }
        if (state.lastCpuUserMicros >= 0) {
            double user = Math.max(0, userMicros - state.lastCpuUserMicros) / 1000.0;
            double system = Math.max(0, systemMicros - state.lastCpuSystemMicros) / 1000.0;
            window(state, windowStart, nowNanos).addCpu(user, system);
        }
        state.lastCpuUserMicros = userMicros;
        state.lastCpuSystemMicros = systemMicros;
    }

    /** Returns whether {@link #closeDue} would close a window at {@code nowNanos}. */
    boolean windowDue(long nowNanos) {
        return closedUntil + windowNanos + settings.latenessNanos() <= nowNanos;
    }

    /**
     * Closes every window whose end plus the lateness has passed, and returns one feature window
     * per tracked container for each. Containers are then forgotten when they stopped.
     *
     * @param running ids of the containers the resolver lists as running, or null when no
     *     resolver is available
     */
    List<FeatureWindow> closeDue(long nowNanos, Set<String> running) {
        List<FeatureWindow> closed = new ArrayList<>();
        long behind = (nowNanos - settings.latenessNanos() - closedUntil) / windowNanos;
        if (behind > MAX_CATCH_UP) {
            long skipped = behind - MAX_CATCH_UP;
            counters.windowsSkipped += skipped;
            closedUntil += skipped * windowNanos;
            containers.values().forEach(state -> state.open.headMap(closedUntil).clear());
        }
        while (closedUntil + windowNanos + settings.latenessNanos() <= nowNanos) {
            closeWindow(closedUntil, closedUntil >= firstWindowStart, closed, running);
            closedUntil += windowNanos;
        }
        tombstones.values().removeIf(until -> until <= closedUntil);
        return closed;
    }

    int containerCount() {
        return containers.size();
    }

    Counters counters() {
        counters.executableOverflow = executables.overflow();
        return counters;
    }

    private void closeWindow(long start, boolean post, List<FeatureWindow> closed,
            Set<String> running) {
        Instant from = Instant.ofEpochSecond(0, start);
        Instant to = Instant.ofEpochSecond(0, start + windowNanos);
        for (ContainerState state : List.copyOf(containers.values())) {
            WindowCounts counts = state.open.remove(start);
            if (counts == null) {
                counts = new WindowCounts(settings.maxDistinct());
            }
            if (post) {
                closed.add(new FeatureWindow(state.info(), from, to, Feature.NAMES,
                        counts.toVector(state.liveProcesses())));
                counters.windowsPosted++;
            }
            counters.distinctOverflow += counts.distinctOverflow();
            state.idleWindows = counts.active() ? 0 : state.idleWindows + 1;
            forgetIfStopped(state, running);
        }
    }

    /**
     * Forgets a container that the resolver listed and no longer lists, once it had a window
     * without events (so a resolver that lost its runtime forgets no busy container), or any
     * container after the configured number of windows without events.
     */
    private void forgetIfStopped(ContainerState state, Set<String> running) {
        String id = state.info().id();
        boolean listedNow = running != null && running.contains(id);
        state.listed |= listedNow;
        boolean stopped = state.listed && !listedNow && state.idleWindows >= 1;
        if (stopped || !listedNow && state.idleWindows >= settings.idleWindows()) {
            containers.remove(id);
            counters.processOverflow += state.processOverflow();
            counters.containersForgotten++;
            if (stopped) {
                // Late events of a stopped container would otherwise start it again.
                tombstones.put(id, closedUntil + 2 * windowNanos + settings.latenessNanos());
            }
        }
    }

    private ContainerState state(ContainerInfo info, long cgroupId) {
        if (info.isHost() && !settings.host()) {
            return null;
        }
        ContainerState state = containers.get(info.id());
        if (state != null) {
            state.update(info, cgroupId);
            return state;
        }
        if (tombstones.containsKey(info.id())) {
            counters.afterStop++;
            return null;
        }
        if (containers.size() >= settings.maxContainers()) {
            counters.eventsRejected++;
            return null;
        }
        state = new ContainerState(info, info.isHost() ? 0 : cgroupId, settings.maxProcesses());
        containers.put(info.id(), state);
        return state;
    }

    /** Returns the counts of the open window that holds {@code timeNanos}. */
    private WindowCounts window(ContainerState state, long timeNanos, long nowNanos) {
        long time = Math.min(timeNanos, nowNanos);
        if (time < closedUntil) {
            counters.late++;
            time = closedUntil;
        }
        long start = Math.floorDiv(time, windowNanos) * windowNanos;
        return state.open.computeIfAbsent(start, s -> new WindowCounts(settings.maxDistinct()));
    }

    /** Splits the kernel's counts over the windows its counting interval overlaps. */
    private void addCounts(ContainerState state, SyscallCountEvent counts, long nowNanos) {
        long end = Math.min(counts.header().timeNanos(), nowNanos);
        long length = Math.max(1, counts.windowNanos());
        long start = end - length;
        long cursor = start;
        while (cursor < end) {
            long windowEnd = (Math.floorDiv(cursor, windowNanos) + 1) * windowNanos;
            long sliceEnd = Math.min(end, windowEnd);
            double fraction = (double) (sliceEnd - cursor) / length;
            window(state, cursor, nowNanos).addSyscallCounts(counts.counts(), fraction);
            cursor = sliceEnd;
        }
    }

    /** Totals since the accumulator was created. */
    static final class Counters {
        long windowsPosted;
        long windowsSkipped;
        long late;
        long ignored;
        long afterStop;
        long eventsRejected;
        long containersForgotten;
        long distinctOverflow;
        long processOverflow;
        long executableOverflow;

        @Override
        public String toString() {
            return "windows.posted=" + windowsPosted + " windows.skipped=" + windowsSkipped
                    + " events.late=" + late + " events.after.stop=" + afterStop
                    + " events.rejected=" + eventsRejected
                    + " containers.forgotten=" + containersForgotten
                    + " distinct.overflow=" + distinctOverflow
                    + " process.overflow=" + processOverflow
                    + " executable.overflow=" + executableOverflow;
        }
    }
}
