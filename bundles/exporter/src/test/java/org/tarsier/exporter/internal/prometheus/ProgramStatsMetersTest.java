package org.tarsier.exporter.internal.prometheus;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.tarsier.api.probe.ProbeState;
import org.tarsier.exporter.internal.RecordingLogger;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

class ProgramStatsMetersTest {

    private final PrometheusMeterRegistry registry =
            new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final AtomicInteger statsEnabled = new AtomicInteger(1);
    private final ProbeMeters meters = new ProbeMeters(registry, new RecordingLogger().logger(),
            statsEnabled::get);
    private final TestProbe probe = new TestProbe("process");

    @Test
    void runStatisticsExportedWhileEnabled() {
        probe.setState(ProbeState.LOADED);
        probe.setProgramStats("handle_exec", 10, 2_500_000_000L);
        meters.add(probe);
        meters.refresh();
        String scrape = registry.scrape();

        assertTrue(scrape.contains("tarsier_bpf_program_runs_total{probe=\"process\","
                + "program=\"handle_exec\"} 10.0"), scrape);
        assertTrue(scrape.contains("tarsier_bpf_program_run_seconds_total{probe=\"process\","
                + "program=\"handle_exec\"} 2.5"), scrape);
        assertTrue(scrape.contains("tarsier_bpf_stats_enabled 1.0"), scrape);
    }

    @Test
    void noProgramSeriesWhileDisabled() {
        statsEnabled.set(0);
        probe.setProgramStats("handle_exec", 10, 2_500);
        meters.add(probe);
        meters.refresh();
        String scrape = registry.scrape();

        assertFalse(scrape.contains("tarsier_bpf_program_runs_total{"), scrape);
        assertTrue(scrape.contains("tarsier_bpf_stats_enabled 0.0"), scrape);
    }

    @Test
    void programSeriesRemovedAfterUnload() {
        probe.setProgramStats("handle_exec", 10, 2_500);
        meters.add(probe);
        meters.refresh();
        probe.clearProgramStats();
        meters.refresh();

        assertFalse(registry.scrape().contains("program=\"handle_exec\""));
    }
}
