package org.tarsier.injector.scenario;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Hard limits that every scenario is clamped to before it runs.
 *
 * <p>{@link #HARD} are the highest values the injector accepts; command-line options can only
 * lower them. A scenario that asks for more is clamped and a warning names what was lowered.
 *
 * @param maxContainers containers that may exist at the same time; more wait for a free slot
 * @param maxDuration longest run of one repetition
 * @param maxStart latest start offset of any repetition
 * @param maxRepetitions most repetitions of one scenario
 * @param maxLimits highest CPU, memory and pids limits of a created container
 */
public record Caps(int maxContainers, Duration maxDuration, Duration maxStart,
        int maxRepetitions, Limits maxLimits) {

    /** The injector's hard caps. */
    public static final Caps HARD = new Caps(8, Duration.ofMinutes(5), Duration.ofMinutes(30),
            20, new Limits(1.0, 256, 256));

    /** A scenario after clamping, with one warning per lowered value. */
    public record Clamped(Scenario scenario, List<String> warnings) {
    }

    /** Returns these caps lowered to {@code other} where {@code other} is lower. */
    public Caps lowerTo(Caps other) {
        return new Caps(Math.min(maxContainers, other.maxContainers),
                min(maxDuration, other.maxDuration), min(maxStart, other.maxStart),
                Math.min(maxRepetitions, other.maxRepetitions),
                new Limits(Math.min(maxLimits.cpus(), other.maxLimits.cpus()),
                        Math.min(maxLimits.memoryMib(), other.maxLimits.memoryMib()),
                        Math.min(maxLimits.pids(), other.maxLimits.pids())));
    }

    /** Clamps every value of {@code scenario} that exceeds a cap. */
    public Clamped clamp(Scenario scenario) {
        List<String> warnings = new ArrayList<>();
        String prefix = "scenario " + scenario.id() + ": ";
        int intensity = clampInt(prefix + "intensity (" + scenario.kind().unit() + ")",
                scenario.intensity(), scenario.kind().maxIntensity(), warnings);
        Duration duration = clampDuration(prefix + "duration", scenario.duration(), maxDuration,
                warnings);
        Duration start = clampDuration(prefix + "start", scenario.start(), maxStart, warnings);
        int repetitions = clampInt(prefix + "repetitions", scenario.repetitions(),
                maxRepetitions, warnings);
        Duration interval = scenario.interval();
        if (repetitions > 1 && interval.compareTo(duration) < 0) {
            warnings.add(prefix + "interval " + interval.toMillis() / 1000.0 + " s is shorter"
                    + " than the duration, raised to " + duration.toMillis() / 1000.0 + " s");
        }
        if (interval.compareTo(duration) < 0) {
            interval = duration;
        }
        Limits limits = clampLimits(prefix, scenario.limits(), warnings);
        Scenario clamped = new Scenario(scenario.id(), scenario.kind(), scenario.target(),
                intensity, duration, start, repetitions, interval, limits);
        return new Clamped(clamped, List.copyOf(warnings));
    }

    private Limits clampLimits(String prefix, Limits requested, List<String> warnings) {
        double cpus = requested.cpus();
        if (cpus > maxLimits.cpus()) {
            warnings.add(prefix + "cpus " + cpus + " exceeds the cap, lowered to "
                    + maxLimits.cpus());
            cpus = maxLimits.cpus();
        }
        long memory = clampLong(prefix + "memory_mb", requested.memoryMib(),
                maxLimits.memoryMib(), warnings);
        long pids = clampLong(prefix + "pids", requested.pids(), maxLimits.pids(), warnings);
        return new Limits(cpus, memory, pids);
    }

    private static int clampInt(String what, int value, int max, List<String> warnings) {
        return (int) clampLong(what, value, max, warnings);
    }

    private static long clampLong(String what, long value, long max, List<String> warnings) {
        if (value <= max) {
            return value;
        }
        warnings.add(what + " " + value + " exceeds the cap, lowered to " + max);
        return max;
    }

    private static Duration clampDuration(String what, Duration value, Duration max,
            List<String> warnings) {
        if (value.compareTo(max) <= 0) {
            return value;
        }
        warnings.add(what + " " + value.toSeconds() + " s exceeds the cap, lowered to "
                + max.toSeconds() + " s");
        return max;
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
