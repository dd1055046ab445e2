package org.tarsier.features.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * Validated configuration of the feature extractor. Each invalid property keeps its previous
 * value and adds an error message naming the PID, the property, the value and what is expected.
 *
 * @param windowMillis length of a window
 * @param latenessMillis how long after its end a window stays open for late events
 * @param host whether processes outside containers form a window of their own, id {@code host}
 * @param maxContainers containers tracked at once; events of further containers are dropped
 * @param maxDistinct values kept per distinct count and window
 * @param maxProcesses live processes tracked per container
 * @param idleWindows windows without any event after which a container is forgotten
 * @param maxImages images whose executables are remembered
 * @param maxExecutables executables remembered per image
 * @param cpu whether CPU time is read from each container's cgroup
 */
record Settings(long windowMillis, long latenessMillis, boolean host, int maxContainers,
        int maxDistinct, int maxProcesses, int idleWindows, int maxImages, int maxExecutables,
        boolean cpu) {

    static final String PID = "org.tarsier.features";

    static final Settings DEFAULTS = new Settings(FeatureExtractor.DEFAULT_WINDOW_MS,
            FeatureExtractor.DEFAULT_LATENESS_MS, false, FeatureExtractor.DEFAULT_MAX_CONTAINERS,
            FeatureExtractor.DEFAULT_MAX_DISTINCT, FeatureExtractor.DEFAULT_MAX_PROCESSES,
            FeatureExtractor.DEFAULT_IDLE_WINDOWS, FeatureExtractor.DEFAULT_MAX_IMAGES,
            FeatureExtractor.DEFAULT_MAX_EXECUTABLES, true);

    long windowNanos() {
        return windowMillis * 1_000_000L;
    }

    long latenessNanos() {
        return latenessMillis * 1_000_000L;
    }

    /** Returns the settings of {@code config}, falling back to {@code previous} per property. */
    static Settings of(FeatureExtractor.Config config, Settings previous, List<String> errors) {
        Checker check = new Checker(errors);
        long window = check.atLeast("window.ms", config.window_ms(), 100,
                previous.windowMillis, "milliseconds, at least 100");
        long lateness = check.atLeast("lateness.ms", config.lateness_ms(), 0,
                previous.latenessMillis, "milliseconds, 0 or more");
        int containers = (int) check.atLeast("max.containers", config.max_containers(), 1,
                previous.maxContainers, "a whole number of at least 1");
        int distinct = (int) check.atLeast("max.distinct", config.max_distinct(), 1,
                previous.maxDistinct, "a whole number of at least 1");
        int processes = (int) check.atLeast("max.processes", config.max_processes(), 1,
                previous.maxProcesses, "a whole number of at least 1");
        int idle = (int) check.atLeast("idle.windows", config.idle_windows(), 1,
                previous.idleWindows, "a whole number of at least 1");
        int images = (int) check.atLeast("max.images", config.max_images(), 1,
                previous.maxImages, "a whole number of at least 1");
        int executables = (int) check.atLeast("max.executables", config.max_executables(), 1,
                previous.maxExecutables, "a whole number of at least 1");
        return new Settings(window, lateness, config.host(), containers, distinct, processes,
                idle, images, executables, config.cpu());
    }

    static List<String> newErrors() {
        return new ArrayList<>();
    }

    private record Checker(List<String> errors) {

        long atLeast(String property, long value, long minimum, long previous, String expected) {
            if (value >= minimum) {
                return value;
            }
            errors.add("invalid configuration " + PID + ": " + property + "=" + value
                    + ", expected " + expected + "; keeping " + previous);
            return previous;
        }
    }
}
