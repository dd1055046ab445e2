package org.tarsier.exporter.internal.prometheus;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleSupplier;

import org.osgi.service.log.Logger;
import org.tarsier.api.log.RateLimiter;
import org.tarsier.api.probe.Probe;
import org.tarsier.api.probe.ProbeState;
import org.tarsier.api.probe.ProgramStats;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Meters of the bound {@link Probe} services: {@code tarsier_probe_loaded},
 * {@code tarsier_probe_state}, {@code tarsier_events_dropped_total} and, while
 * {@code /proc/sys/kernel/bpf_stats_enabled} is 1, {@code tarsier_bpf_program_runs_total} and
 * {@code tarsier_bpf_program_run_seconds_total} per loaded program.
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
    static final String PROGRAM_RUNS = "tarsier.bpf.program.runs";
    static final String PROGRAM_RUN_SECONDS = "tarsier.bpf.program.run.seconds";
    static final String STATS_ENABLED = "tarsier.bpf.stats.enabled";

    private static final Path BPF_STATS_ENABLED = Path.of("/proc/sys/kernel/bpf_stats_enabled");

    /** A bound probe with its last snapshot and the meters registered for it. */
    private static final class Series {
        private final Probe probe;
        private final String name;
        private final List<Meter> meters = new ArrayList<>();
        private volatile ProbeState state = ProbeState.UNLOADED;
        private volatile Map<String, Long> drops = Map.of();
        private volatile Map<String, ProgramStats> programStats = Map.of();
        private final Map<String, List<Meter>> programMeters = new HashMap<>();
        private boolean exported;

        private Series(Probe probe, String name) {
            this.probe = probe;
            this.name = name;
        }

        private double dropCount(String reason) {
            Long count = drops.get(reason);
            return count == null ? 0 : count;
        }

        private double runs(String program) {
            ProgramStats stats = programStats.get(program);
            return stats == null ? 0 : stats.runCount();
        }

        private double runSeconds(String program) {
            ProgramStats stats = programStats.get(program);
            return stats == null ? 0 : stats.runTimeNanos() / 1e9;
        }
    }

    private final MeterRegistry registry;
    private final Logger logger;
    private final DoubleSupplier statsEnabled;
    private final RateLimiter limiter = new RateLimiter(60_000);
    // Bind order decides which of two probes with the same name is exported.
    private final Map<Probe, Series> bound = new LinkedHashMap<>();

    ProbeMeters(MeterRegistry registry, Logger logger) {
        this(registry, logger, ProbeMeters::kernelStatsEnabled);
    }

    /** Creates the meters with {@code statsEnabled} in place of the kernel's setting. */
    ProbeMeters(MeterRegistry registry, Logger logger, DoubleSupplier statsEnabled) {
        this.registry = registry;
        this.logger = logger;
        this.statsEnabled = statsEnabled;
        Gauge.builder(STATS_ENABLED, statsEnabled, DoubleSupplier::getAsDouble)
                .description("Value of /proc/sys/kernel/bpf_stats_enabled: 1 while the kernel"
                        + " measures BPF program run time and run count")
                .strongReference(true)
                .register(registry);
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
            series.programMeters.values().forEach(meters -> meters.forEach(registry::remove));
            series.programMeters.clear();
            exportFirstOfName(series.name);
        }
    }

    /** Reads state and drop counts of every bound probe and registers meters for new reasons. */
    synchronized void refresh() {
        boolean enabled = statsEnabled.getAsDouble() == 1;
        for (Series series : bound.values()) {
            if (series.exported) {
                snapshot(series);
                snapshotPrograms(series, enabled);
            }
        }
    }

    /** Removes the meters of every probe. */
    synchronized void clear() {
        for (Series series : bound.values()) {
            series.meters.forEach(registry::remove);
            series.programMeters.values().forEach(meters -> meters.forEach(registry::remove));
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

    /**
     * Reads the programs' run statistics while the kernel collects them, and keeps one pair of
     * counters per loaded program. Counters of programs that are no longer loaded are removed.
     */
    private void snapshotPrograms(Series series, boolean statsEnabled) {
        Map<String, ProgramStats> stats = Map.of();
        if (statsEnabled) {
            try {
                stats = Map.copyOf(series.probe.programStats());
            } catch (RuntimeException e) {
                if (limiter.permit("programs " + series.name)) {
                    logger.warn("failed to read the program statistics of probe {} ({} similar"
                            + " messages suppressed)", series.name,
                            limiter.suppressed("programs " + series.name), e);
                }
                return;
            }
        }
        series.programStats = stats;
        Iterator<Map.Entry<String, List<Meter>>> registered =
                series.programMeters.entrySet().iterator();
        while (registered.hasNext()) {
            Map.Entry<String, List<Meter>> entry = registered.next();
            if (!stats.containsKey(entry.getKey())) {
                entry.getValue().forEach(registry::remove);
                registered.remove();
            }
        }
        for (String program : stats.keySet()) {
            series.programMeters.computeIfAbsent(program, p -> registerProgram(series, p));
        }
    }

    private List<Meter> registerProgram(Series series, String program) {
        return List.of(
                FunctionCounter.builder(PROGRAM_RUNS, series, s -> s.runs(program))
                        .description("Runs of a loaded BPF program, counted by the kernel while"
                                + " kernel.bpf_stats_enabled is 1")
                        .tag("probe", series.name)
                        .tag("program", program)
                        .register(registry),
                FunctionCounter.builder(PROGRAM_RUN_SECONDS, series, s -> s.runSeconds(program))
                        .description("Time a loaded BPF program ran, measured by the kernel"
                                + " while kernel.bpf_stats_enabled is 1")
                        .tag("probe", series.name)
                        .tag("program", program)
                        .register(registry));
    }

    /** Returns the value of kernel.bpf_stats_enabled, or 0 where it cannot be read. */
    static double kernelStatsEnabled() {
        try {
            return Files.readString(BPF_STATS_ENABLED).trim().equals("1") ? 1 : 0;
        } catch (IOException | SecurityException e) {
            return 0;
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
