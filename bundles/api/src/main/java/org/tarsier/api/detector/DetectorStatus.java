package org.tarsier.api.detector;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * A snapshot of a detector's health.
 *
 * @param alertsSuppressed alerts not posted because of a rate limit, since the detector started
 * @param reloads successful reloads of rules, models or configuration since the detector started
 * @param reloadErrors rejected reloads since the detector started
 * @param lastError message of the last rejected reload, or an empty string after a success
 * @param lastReload time of the last successful reload, or {@code null} before the first one
 * @param gauges other current values by snake_case name, for example {@code rules_loaded} or
 *     {@code models_trained}; the exporter publishes each as {@code tarsier_detector_<name>}
 */
public record DetectorStatus(
        long alertsSuppressed,
        long reloads,
        long reloadErrors,
        String lastError,
        Instant lastReload,
        Map<String, Double> gauges) {

    /** Creates a status; a {@code null} last error or gauge map becomes an empty value. */
    public DetectorStatus {
        lastError = Objects.requireNonNullElse(lastError, "");
        gauges = gauges == null ? Map.of() : Map.copyOf(gauges);
    }

    /** Returns a status with only the given gauges, for detectors without reloads or limits. */
    public static DetectorStatus ofGauges(Map<String, Double> gauges) {
        return new DetectorStatus(0, 0, 0, "", null, gauges);
    }
}
