package org.tarsier.exporter.internal.prometheus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.tarsier.api.detector.Detector;
import org.tarsier.api.detector.DetectorStatus;
import org.tarsier.exporter.internal.RecordingLogger;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

class DetectorMetersTest {

    private final PrometheusMeterRegistry registry =
            new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final RecordingLogger log = new RecordingLogger();
    private final DetectorMeters meters = new DetectorMeters(registry, log.logger());

    @Test
    void statusExportedWithDetectorLabel() {
        TestDetector rules = new TestDetector("rules");
        rules.status = new DetectorStatus(4, 2, 1, "bad rule", Instant.ofEpochSecond(1_700_000_000),
                Map.of("rules_loaded", 42.0));
        meters.add(rules);
        meters.refresh();
        String scrape = registry.scrape();

        assertTrue(scrape.contains("tarsier_alerts_suppressed_total{detector=\"rules\"} 4.0"),
                scrape);
        assertTrue(scrape.contains("tarsier_detector_reloads_total{detector=\"rules\"} 2.0"),
                scrape);
        assertTrue(scrape.contains("tarsier_detector_reload_errors_total{detector=\"rules\"} 1.0"),
                scrape);
        assertTrue(scrape.contains("tarsier_detector_last_reload_timestamp_seconds"
                + "{detector=\"rules\"} 1.7E9"), scrape);
        assertTrue(scrape.contains("tarsier_detector_rules_loaded{detector=\"rules\"} 42.0"),
                scrape);
    }

    @Test
    void newGaugeAppearsOnNextRefresh() {
        TestDetector stats = new TestDetector("stats");
        meters.add(stats);
        stats.status = DetectorStatus.ofGauges(Map.of("baselines", 3.0));
        meters.refresh();

        assertTrue(registry.scrape().contains("tarsier_detector_baselines{detector=\"stats\"} 3.0"));
    }

    @Test
    void invalidGaugeNameSkippedAndLogged() {
        TestDetector stats = new TestDetector("stats");
        stats.status = DetectorStatus.ofGauges(Map.of("Bad-Name", 1.0, "score", 2.0));
        meters.add(stats);
        meters.refresh();

        assertFalse(registry.scrape().contains("Bad"));
        assertFalse(registry.scrape().contains("tarsier_detector_score{"));
        assertEquals(2, log.lines("WARN").size(), log.lines().toString());
    }

    @Test
    void metersRemovedWithService() {
        TestDetector rules = new TestDetector("rules");
        meters.add(rules);
        meters.remove(rules);

        assertFalse(registry.scrape().contains("detector=\"rules\""));
    }

    @Test
    void failingStatusKeepsPreviousValues() {
        TestDetector rules = new TestDetector("rules");
        rules.status = new DetectorStatus(0, 5, 0, "", null, Map.of());
        meters.add(rules);
        rules.failure = new IllegalStateException("engine closed");
        meters.refresh();

        assertTrue(registry.scrape().contains(
                "tarsier_detector_reloads_total{detector=\"rules\"} 5.0"));
        assertEquals(1, log.lines("WARN").size(), log.lines().toString());
    }

    /** A detector whose status the test sets. */
    private static final class TestDetector implements Detector {
        private final String name;
        private volatile DetectorStatus status = DetectorStatus.ofGauges(Map.of());
        private volatile RuntimeException failure;

        private TestDetector(String name) {
            this.name = name;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public String description() {
            return "test detector " + name;
        }

        @Override
        public DetectorStatus status() {
            if (failure != null) {
                throw failure;
            }
            return status;
        }
    }
}
