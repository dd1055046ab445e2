package com.example.execfanout;

import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Counts the distinct binaries each container runs in fixed windows and reports the exec that
 * takes a container above the maximum. Not thread-safe: the detector calls it under a lock.
 *
 * <p>A window starts with the first exec of a container after the previous window ended, so
 * windows follow each container's own activity instead of a wall-clock grid.
 */
final class FanoutTracker {

    private final Map<String, ContainerWindow> windows = new LinkedHashMap<>(16, 0.75f, true);
    private Settings settings;
    private long containersDropped;

    FanoutTracker(Settings settings) {
        this.settings = settings;
    }

    /** Applies new settings; windows already open keep counting with the new limits. */
    void reconfigure(Settings newSettings) {
        settings = newSettings;
        trim();
    }

    /**
     * Records one exec and returns the finding when it raises the container's distinct binaries
     * above the maximum and the container's alert interval has passed, otherwise {@code null}.
     * Events must arrive in time order per container, as the process probe delivers them.
     *
     * @param containerId id of the container that ran the binary
     * @param binary path of the executed file
     * @param time time of the exec
     */
    Finding record(String containerId, String binary, Instant time) {
        ContainerWindow window = windows.get(containerId);
        if (window == null) {
            window = new ContainerWindow(time);
            windows.put(containerId, window);
            trim();
        } else if (!time.isBefore(window.start.plus(settings.window()))) {
            window.restart(time);
        }
        // Past the maximum the window raises no more alerts, so its set stops growing there.
        if (window.binaries.size() > settings.binariesMax() || !window.binaries.add(binary)
                || window.binaries.size() <= settings.binariesMax()) {
            return null;
        }
        if (window.lastAlert != null && settings.alertInterval().isPositive()
                && time.isBefore(window.lastAlert.plus(settings.alertInterval()))) {
            window.suppressed++;
            return null;
        }
        window.lastAlert = time;
        long suppressedBefore = window.suppressed;
        window.suppressed = 0;
        return new Finding(containerId, window.start, time, List.copyOf(window.binaries),
                suppressedBefore);
    }

    /** Returns the number of containers with an open or finished window. */
    int containersTracked() {
        return windows.size();
    }

    /** Returns the number of containers dropped because {@code containers.max} was reached. */
    long containersDropped() {
        return containersDropped;
    }

    /** Returns the alerts held back by the alert interval and not yet reported. */
    long suppressed() {
        long total = 0;
        for (ContainerWindow window : windows.values()) {
            total += window.suppressed;
        }
        return total;
    }

    private void trim() {
        Iterator<ContainerWindow> eldest = windows.values().iterator();
        while (windows.size() > settings.containersMax() && eldest.hasNext()) {
            eldest.next();
            eldest.remove();
            containersDropped++;
        }
    }

    /**
     * A container that ran more distinct binaries than allowed in one window.
     *
     * @param containerId id of the container
     * @param windowStart time of the window's first exec
     * @param time time of the exec that crossed the maximum
     * @param binaries distinct binaries of the window in the order they first ran
     * @param suppressedBefore alerts about this container held back since its previous alert
     */
    record Finding(String containerId, Instant windowStart, Instant time, List<String> binaries,
            long suppressedBefore) {
    }

    private static final class ContainerWindow {
        private Instant start;
        private final Set<String> binaries = new LinkedHashSet<>();
        private Instant lastAlert;
        private long suppressed;

        ContainerWindow(Instant start) {
            this.start = start;
        }

        void restart(Instant time) {
            start = time;
            binaries.clear();
        }
    }
}
