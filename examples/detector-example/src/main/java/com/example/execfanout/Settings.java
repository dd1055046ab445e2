package com.example.execfanout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.tarsier.api.alert.Priority;

/**
 * Validated configuration of the exec fan-out detector. An invalid property keeps its previous
 * value and adds an error message naming the PID, the property, the value and what is expected.
 *
 * @param binariesMax distinct binaries a container may run in one window without an alert
 * @param window length of the window that distinct binaries are counted in
 * @param alertInterval time between two alerts about one container; zero for no limit
 * @param priority priority of the alerts
 * @param containersMax containers tracked at once; the least recently active one is dropped
 */
record Settings(int binariesMax, Duration window, Duration alertInterval, Priority priority,
        int containersMax) {

    static final String PID = "com.example.execfanout";

    static final Settings DEFAULTS = new Settings(ExecFanoutDetector.DEFAULT_BINARIES_MAX,
            Duration.ofSeconds(ExecFanoutDetector.DEFAULT_WINDOW_SECONDS),
            Duration.ofSeconds(ExecFanoutDetector.DEFAULT_ALERT_INTERVAL_SECONDS),
            Priority.WARNING, ExecFanoutDetector.DEFAULT_CONTAINERS_MAX);

    /**
     * Returns the settings of {@code config}, falling back to {@code previous} for each invalid
     * property and adding one message per invalid property to {@code errors}.
     */
    static Settings of(ExecFanoutDetector.Config config, Settings previous, List<String> errors) {
        int binariesMax = atLeast(errors, "binaries.max", config.binaries_max(), 1,
                previous.binariesMax);
        long windowSeconds = atLeast(errors, "window.seconds", config.window_seconds(), 1,
                previous.window.toSeconds());
        long intervalSeconds = atLeast(errors, "alert.interval.seconds",
                config.alert_interval_seconds(), 0, previous.alertInterval.toSeconds());
        Priority priority = priority(errors, config.priority(), previous.priority);
        int containersMax = atLeast(errors, "containers.max", config.containers_max(), 1,
                previous.containersMax);
        return new Settings(binariesMax, Duration.ofSeconds(windowSeconds),
                Duration.ofSeconds(intervalSeconds), priority, containersMax);
    }

    /** Returns a new, empty list for the error messages of one configuration. */
    static List<String> newErrors() {
        return new ArrayList<>();
    }

    /** Returns the settings as {@code name=value} pairs, for the start and change log lines. */
    String describe() {
        return "binaries.max=" + binariesMax + " window.seconds=" + window.toSeconds()
                + " alert.interval.seconds=" + alertInterval.toSeconds() + " priority="
                + priority.falcoName() + " containers.max=" + containersMax;
    }

    private static int atLeast(List<String> errors, String property, int value, int minimum,
            int previous) {
        if (value >= minimum) {
            return value;
        }
        errors.add(invalid(property, value, "an integer of at least " + minimum, previous));
        return previous;
    }

    private static long atLeast(List<String> errors, String property, long value, long minimum,
            long previous) {
        if (value >= minimum) {
            return value;
        }
        errors.add(invalid(property, value, "an integer of at least " + minimum, previous));
        return previous;
    }

    private static Priority priority(List<String> errors, String value, Priority previous) {
        try {
            return Priority.parse(value);
        } catch (IllegalArgumentException e) {
            errors.add(invalid("priority", value, "one of emergency, alert, critical, error,"
                    + " warning, notice, informational, debug", previous.falcoName()));
            return previous;
        }
    }

    private static String invalid(String property, Object value, String expected,
            Object kept) {
        return "invalid configuration " + PID + ": " + property + " = '" + value
                + "', expected " + expected + "; keeping " + kept;
    }
}
