package org.tarsier.detector.stats.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.tarsier.api.alert.Priority;

/**
 * Validated configuration of the statistical detector. Each invalid property keeps its previous
 * value and adds an error message naming the PID, the property, the value and what is expected.
 *
 * @param warmupWindows windows a container's baseline learns before its windows are scored
 * @param historyWindows windows in each feature's sliding history
 * @param threshold score at and above which a window deviates
 * @param consecutive deviating windows in a row that raise an alert
 * @param immediate score that raises an alert from one window; 0 turns this off
 * @param scaleMin smallest scale, in the feature's unit, for features without their own
 * @param scaleMinByFeature smallest scale of named features
 * @param scaleRelative smallest scale as a fraction of the baseline's median
 * @param bothDirections whether values below the baseline deviate too, not only values above
 * @param startGraceWindows windows of a new container, started from its image's baseline, that
 *     are learnt but not scored
 * @param alertIntervalMillis time between two alerts of one container and feature; 0 for no limit
 * @param priority priority of the alerts
 * @param excluded features never scored
 * @param maxContainers containers tracked at once
 * @param maxImages images whose baselines are kept
 */
record Settings(int warmupWindows, int historyWindows, double threshold, int consecutive,
        double immediate, double scaleMin, Map<String, Double> scaleMinByFeature,
        double scaleRelative, boolean bothDirections, int startGraceWindows,
        long alertIntervalMillis, Priority priority, Set<String> excluded, int maxContainers,
        int maxImages) {

    static final String PID = "org.tarsier.detector.stats";

    static final Settings DEFAULTS = new Settings(StatsDetector.DEFAULT_WARMUP_WINDOWS,
            StatsDetector.DEFAULT_HISTORY_WINDOWS, StatsDetector.DEFAULT_THRESHOLD,
            StatsDetector.DEFAULT_CONSECUTIVE, StatsDetector.DEFAULT_IMMEDIATE,
            StatsDetector.DEFAULT_SCALE_MIN, parseFloors(StatsDetector.DEFAULT_FEATURE_SCALES),
            StatsDetector.DEFAULT_SCALE_RELATIVE, false, StatsDetector.DEFAULT_START_GRACE,
            StatsDetector.DEFAULT_ALERT_INTERVAL_MS, Priority.WARNING, Set.of(),
            StatsDetector.DEFAULT_MAX_CONTAINERS, StatsDetector.DEFAULT_MAX_IMAGES);

    Settings {
        scaleMinByFeature = Map.copyOf(scaleMinByFeature);
        excluded = Set.copyOf(excluded);
    }

    /** Returns the smallest scale of a feature. */
    double scaleMin(String feature) {
        return scaleMinByFeature.getOrDefault(feature, scaleMin);
    }

    /** Returns the settings of {@code config}, falling back to {@code previous} per property. */
    static Settings of(StatsDetector.Config config, Settings previous, List<String> errors) {
        Checker check = new Checker(errors);
        int warmup = check.count("warmup.windows", config.warmup_windows(), 1,
                previous.warmupWindows);
        int history = check.count("history.windows", config.history_windows(), 3,
                previous.historyWindows);
        double threshold = check.positive("score.threshold", config.score_threshold(),
                previous.threshold);
        int consecutive = check.count("windows.consecutive", config.windows_consecutive(), 1,
                previous.consecutive);
        double immediate = check.immediate(config.score_immediate(), threshold,
                previous.immediate);
        double scaleMin = check.positive("scale.min", config.scale_min(), previous.scaleMin);
        Map<String, Double> floors = check.floors(config.scale_min_features(),
                previous.scaleMinByFeature);
        double relative = check.fraction(config.scale_relative(), previous.scaleRelative);
        Boolean both = check.direction(config.direction(), previous.bothDirections);
        int grace = check.count("start.grace.windows", config.start_grace_windows(), 0,
                previous.startGraceWindows);
        long interval = check.interval(config.alert_interval_ms(), previous.alertIntervalMillis);
        Priority priority = check.priority(config.priority(), previous.priority);
        int containers = check.count("max.containers", config.max_containers(), 1,
                previous.maxContainers);
        int images = check.count("max.images", config.max_images(), 1, previous.maxImages);
        Set<String> excluded = config.features_excluded() == null ? Set.of()
                : Set.of(trimmed(config.features_excluded()));
        return new Settings(warmup, history, threshold, consecutive, immediate, scaleMin,
                floors, relative, both, grace, interval, priority, excluded, containers, images);
    }

    /** Parses {@code name=scale} entries; throws IllegalArgumentException naming a bad one. */
    static Map<String, Double> parseFloors(String[] entries) {
        Map<String, Double> floors = new LinkedHashMap<>();
        for (String entry : trimmed(entries)) {
            String[] pair = entry.split("=", 2);
            double value = pair.length == 2 ? parseDouble(pair[1].trim()) : Double.NaN;
            if (pair[0].isBlank() || !(value > 0) || Double.isInfinite(value)) {
                throw new IllegalArgumentException(entry);
            }
            floors.put(pair[0].trim(), value);
        }
        return floors;
    }

    static List<String> newErrors() {
        return new ArrayList<>();
    }

    /** Returns the non-blank entries; an entry may hold several, separated by commas. */
    private static String[] trimmed(String[] entries) {
        if (entries == null) {
            return new String[0];
        }
        return Arrays.stream(entries).flatMap(entry -> Arrays.stream(entry.split(",")))
                .map(String::trim).filter(entry -> !entry.isEmpty()).distinct()
                .toArray(String[]::new);
    }

    private static double parseDouble(String text) {
        try {
            return Double.parseDouble(text);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    /** Validates single properties and collects the error messages. */
    private record Checker(List<String> errors) {

        int count(String property, int value, int minimum, int previous) {
            if (value >= minimum) {
                return value;
            }
            return reject(property, value, "a whole number of at least " + minimum, previous);
        }

        double positive(String property, double value, double previous) {
            if (value > 0 && Double.isFinite(value)) {
                return value;
            }
            return reject(property, value, "a number above 0", previous);
        }

        double immediate(double value, double threshold, double previous) {
            if (value == 0 || value >= threshold && Double.isFinite(value)) {
                return value;
            }
            return reject("score.immediate", value, "0 (off) or a score of at least score.threshold "
                    + threshold, previous);
        }

        double fraction(double value, double previous) {
            if (value >= 0 && Double.isFinite(value)) {
                return value;
            }
            return reject("scale.relative", value, "a fraction of 0 or more", previous);
        }

        Map<String, Double> floors(String[] entries, Map<String, Double> previous) {
            try {
                return parseFloors(entries);
            } catch (IllegalArgumentException e) {
                return reject("scale.min.features", "'" + e.getMessage() + "'",
                        "entries of the form feature=scale with a scale above 0", previous);
            }
        }

        Boolean direction(String value, boolean previous) {
            String direction = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
            if (direction.equals("up") || direction.equals("both")) {
                return direction.equals("both");
            }
            return reject("direction", value, "up or both", previous);
        }

        long interval(long value, long previous) {
            if (value >= 0) {
                return value;
            }
            return reject("alert.interval.ms", value, "milliseconds, 0 or more", previous);
        }

        Priority priority(String value, Priority previous) {
            try {
                return Priority.parse(value == null ? "" : value);
            } catch (IllegalArgumentException e) {
                return reject("priority", value, "a Falco priority such as warning or notice",
                        previous);
            }
        }

        private <T> T reject(String property, Object value, String expected, T previous) {
            errors.add("invalid configuration " + PID + ": " + property + "=" + value
                    + ", expected " + expected + "; keeping " + previous);
            return previous;
        }
    }
}
