package org.tarsier.exporter.internal.prometheus;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.osgi.service.log.Logger;
import org.tarsier.api.log.RateLimiter;
import org.tarsier.api.probe.Probe;
import org.tarsier.api.probe.ProbeState;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Meters of the bound {@link Probe} services: {@code tarsier_probe_loaded},
 * {@code tarsier_probe_state} and {@code tarsier_events_dropped_total}.
 *
 * <p>The meters read a snapshot of each probe's state and drop counts that {@link #refresh()}
 * takes once per scrape, so a scrape calls every probe once. A probe's meters are removed when
 * its service goes away. When two probe services have the same name, the first one bound is
 * exported and the other waits until the first goes away.
 */
final class ProbeMeters {

    static final String LOADED = "tarsier.probe.loaded";
    static final String STATE = "tarsier.probe.state";
    static final String DROPPED = "tarsier.events.dropped";

    /** A bound probe with its last snapshot and the meters registered for it. */
    private static final class Series {
        private final Probe probe;
        private final String name;
        private final List<Meter> meters = new ArrayList<>();
        private volatile ProbeState state = ProbeState.UNLOADED;
        private volatile Map<String, Long> drops = Map.of();
        private boolean exported;

        private Series(Probe probe, String name) {
            this.probe = probe;
            this.name = name;
        }

        private double dropCount(String reason) {
            Long count = drops.get(reason);
            return count == null ? 0 : count;
        }
    }

    private final MeterRegistry registry;
    private final Logger logger;
    private final RateLimiter limiter = new RateLimiter(60_000);
    // Bind order decides which of two probes with the same name is exported.
    private final Map<Probe, Series> bound = new LinkedHashMap<>();

    ProbeMeters(MeterRegistry registry, Logger logger) {
        this.registry = registry;
        this.logger = logger;
    }

    /** Starts exporting the meters of {@code probe}. */
    synchronized void add(Probe probe) {
        Series series = new Series(probe, probe.name());
        bound.put(probe, series);
        exportFirstOfName(series.name);
    }

    /** Removes the meters of {@code probe}. */
    synchronized void remove(Probe probe) {
        Series series = bound.remove(probe);
        if (series == null) {
            return;
        }
        if (series.exported) {
            series.meters.forEach(registry::remove);
            series.meters.clear();
            exportFirstOfName(series.name);
        }
    }

    /** Reads state and drop counts of every bound probe and registers meters for new reasons. */
    synchronized void refresh() {
        for (Series series : bound.values()) {
            if (series.exported) {
                snapshot(series);
            }
        }
    }

    /** Removes the meters of every probe. */
    synchronized void clear() {
        for (Series series : bound.values()) {
            series.meters.forEach(registry::remove);
        }
        bound.clear();
    }

    private void exportFirstOfName(String name) {
        List<Series> sameName =
                bound.values().stream().filter(s -> s.name.equals(name)).toList();
        if (sameName.size() > 1) {
            warnDuplicate(name);
        }
        if (!sameName.isEmpty() && sameName.stream().noneMatch(s -> s.exported)) {
            export(sameName.get(0));
        }
    }

    private void warnDuplicate(String name) {
        if (limiter.permit("duplicate " + name)) {
            logger.warn("more than one Probe service is named '{}': exporting the metrics of the"
                    + " first one bound only", name);
        }
    }

    private void export(Series series) {
        series.exported = true;
        series.meters.add(Gauge.builder(LOADED, series, s -> s.state == ProbeState.LOADED ? 1 : 0)
                .description("Whether the probe's BPF programs are loaded and attached (1) or not")
                .tag("probe", series.name)
                .strongReference(true)
                .register(registry));
        for (ProbeState state : ProbeState.values()) {
            series.meters.add(Gauge.builder(STATE, series, s -> s.state == state ? 1 : 0)
                    .description("Lifecycle state of the probe: 1 for the current state, 0 for"
                            + " the others")
                    .tag("probe", series.name)
                    .tag("state", state.name())
                    .strongReference(true)
                    .register(registry));
        }
        snapshot(series);
    }

    private void snapshot(Series series) {
        try {
            series.state = series.probe.state();
            series.drops = Map.copyOf(series.probe.dropCounts());
        } catch (RuntimeException e) {
            if (limiter.permit("snapshot " + series.name)) {
                logger.warn("failed to read state and drop counts of probe {}: the metrics keep"
                        + " the previous values ({} similar messages suppressed)", series.name,
                        limiter.suppressed("snapshot " + series.name), e);
            }
            return;
        }
        for (String reason : series.drops.keySet()) {
            registerDropCounter(series, reason);
        }
    }

    private void registerDropCounter(Series series, String reason) {
        for (Meter meter : series.meters) {
            if (meter.getId().getName().equals(DROPPED)
                    && reason.equals(meter.getId().getTag("reason"))) {
                return;
            }
        }
        series.meters.add(FunctionCounter.builder(DROPPED, series, s -> s.dropCount(reason))
                .description("Records a probe lost before they became events, by probe and"
                        + " reason; ringbuf means the BPF ring buffer was full")
                .tag("probe", series.name)
                .tag("reason", reason)
                .register(registry));
    }
}
