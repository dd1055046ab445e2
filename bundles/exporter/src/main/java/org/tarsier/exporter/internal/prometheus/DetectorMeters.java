package org.tarsier.exporter.internal.prometheus;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import org.osgi.service.log.Logger;
import org.tarsier.api.detector.Detector;
import org.tarsier.api.detector.DetectorStatus;
import org.tarsier.api.log.RateLimiter;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Meters of the bound {@link Detector} services, read from one {@link DetectorStatus} snapshot
 * per detector and scrape: {@code tarsier_alerts_suppressed_total},
 * {@code tarsier_detector_reloads_total}, {@code tarsier_detector_reload_errors_total},
 * {@code tarsier_detector_last_reload_timestamp_seconds} and one
 * {@code tarsier_detector_<name>} gauge per entry of {@link DetectorStatus#gauges()}.
 *
 * <p>A detector's meters are removed when its service goes away. When two services have the
 * same name, the first one bound is exported and the others are ignored until it goes away.
 */
final class DetectorMeters {

    static final String SUPPRESSED = "tarsier.alerts.suppressed";
    static final String RELOADS = "tarsier.detector.reloads";
    static final String RELOAD_ERRORS = "tarsier.detector.reload.errors";
    static final String LAST_RELOAD = "tarsier.detector.last.reload.timestamp.seconds";
    static final String GAUGE_PREFIX = "tarsier_detector_";

    /** Gauge names that make a valid Prometheus metric name after the prefix. */
    private static final Pattern GAUGE_NAME = Pattern.compile("[a-z][a-z0-9_]{0,63}");

    /** Names the fixed meters already use; a gauge with one of them would clash. */
    private static final Set<String> RESERVED = Set.of("reloads_total", "reload_errors_total",
            "last_reload_timestamp_seconds", "score", "score_threshold");

    /** A bound detector with its last snapshot and the meters registered for it. */
    private static final class Series {
        private final Detector detector;
        private final String name;
        private final List<Meter> meters = new ArrayList<>();
        private final Set<String> gauges = new HashSet<>();
        private volatile DetectorStatus status = DetectorStatus.ofGauges(Map.of());
        private boolean exported;

        private Series(Detector detector, String name) {
            this.detector = detector;
            this.name = name;
        }

        private double lastReloadSeconds() {
            DetectorStatus current = status;
            return current.lastReload() == null ? Double.NaN
                    : current.lastReload().toEpochMilli() / 1000.0;
        }

        private double gauge(String gaugeName) {
            Double value = status.gauges().get(gaugeName);
            return value == null ? Double.NaN : value;
        }
    }

    private final MeterRegistry registry;
    private final Logger logger;
    private final RateLimiter limiter = new RateLimiter(60_000);
    private final Map<Detector, Series> bound = new LinkedHashMap<>();

    DetectorMeters(MeterRegistry registry, Logger logger) {
        this.registry = registry;
        this.logger = logger;
    }

    /** Starts exporting the meters of {@code detector}. */
    synchronized void add(Detector detector) {
        String name;
        try {
            name = detector.name();
        } catch (RuntimeException e) {
            logger.warn("Detector service {} failed to return its name: not exported",
                    detector.getClass().getName(), e);
            return;
        }
        bound.put(detector, new Series(detector, name));
        exportFirstOfName(name);
    }

    /** Removes the meters of {@code detector}. */
    synchronized void remove(Detector detector) {
        Series series = bound.remove(detector);
        if (series != null && series.exported) {
            series.meters.forEach(registry::remove);
            series.meters.clear();
            exportFirstOfName(series.name);
        }
    }

    /** Takes a status snapshot of every exported detector and registers new gauges. */
    synchronized void refresh() {
        for (Series series : bound.values()) {
            if (series.exported) {
                snapshot(series);
            }
        }
    }

    /** Removes the meters of every detector. */
    synchronized void clear() {
        bound.values().forEach(series -> series.meters.forEach(registry::remove));
        bound.clear();
    }

    private void exportFirstOfName(String name) {
        List<Series> sameName = bound.values().stream().filter(s -> s.name.equals(name)).toList();
        if (sameName.size() > 1 && limiter.permit("duplicate " + name)) {
            logger.warn("more than one Detector service is named '{}': exporting the status of"
                    + " the first one bound only", name);
        }
        if (!sameName.isEmpty() && sameName.stream().noneMatch(s -> s.exported)) {
            export(sameName.get(0));
        }
    }

    private void export(Series series) {
        series.exported = true;
        series.meters.add(FunctionCounter.builder(SUPPRESSED, series,
                        s -> s.status.alertsSuppressed())
                .description("Alerts a detector did not post because of its rate limit")
                .tag("detector", series.name)
                .register(registry));
        series.meters.add(FunctionCounter.builder(RELOADS, series, s -> s.status.reloads())
                .description("Successful reloads of a detector's rules, models or configuration")
                .tag("detector", series.name)
                .register(registry));
        series.meters.add(FunctionCounter.builder(RELOAD_ERRORS, series,
                        s -> s.status.reloadErrors())
                .description("Reloads a detector rejected, keeping its previous rules or models")
                .tag("detector", series.name)
                .register(registry));
        series.meters.add(Gauge.builder(LAST_RELOAD, series, Series::lastReloadSeconds)
                .description("Unix time of a detector's last successful reload; NaN before the"
                        + " first one")
                .tag("detector", series.name)
                .strongReference(true)
                .register(registry));
        snapshot(series);
    }

    private void snapshot(Series series) {
        try {
            series.status = series.detector.status();
        } catch (RuntimeException e) {
            if (limiter.permit("status " + series.name)) {
                logger.warn("failed to read the status of detector {}: the metrics keep the"
                        + " previous values ({} similar messages suppressed)", series.name,
                        limiter.suppressed("status " + series.name), e);
            }
            return;
        }
        for (String gaugeName : series.status.gauges().keySet()) {
            if (!series.gauges.contains(gaugeName)) {
                registerGauge(series, gaugeName);
            }
        }
    }

    private void registerGauge(Series series, String gaugeName) {
        series.gauges.add(gaugeName);
        if (!GAUGE_NAME.matcher(gaugeName).matches() || RESERVED.contains(gaugeName)) {
            logger.warn("detector {} reports gauge '{}', which is not a snake_case name of at"
                    + " most 64 characters or clashes with a fixed detector metric: not exported",
                    series.name, gaugeName);
            return;
        }
        // Micrometer's Prometheus naming turns dots into underscores and keeps underscores.
        series.meters.add(Gauge.builder(GAUGE_PREFIX + gaugeName, series, s -> s.gauge(gaugeName))
                .description("Gauge " + gaugeName + " reported by the detector's status")
                .tag("detector", series.name)
                .strongReference(true)
                .register(registry));
    }
}
