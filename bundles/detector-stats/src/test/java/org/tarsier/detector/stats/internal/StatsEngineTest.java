package org.tarsier.detector.stats.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.tarsier.api.alert.Alert;
import org.tarsier.api.alert.Priority;
import org.tarsier.api.container.ContainerInfo;
import org.tarsier.api.feature.FeatureWindow;

class StatsEngineTest {

    private static final List<String> NAMES = List.of("execs", "tcp_connects",
            "exec_binaries_new");
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final Duration WINDOW = Duration.ofSeconds(1);
    private static final ContainerInfo WEB = container("a1b2c3d4e5f6a7b8c9d0", "web:1");

    /** Warm-up 10, history 30, threshold 6, 2 windows in a row, immediate 20, no alert limit. */
    private static final Settings SETTINGS = new Settings(10, 30, 6, 2, 20, 1,
            Map.of("exec_binaries_new", 0.05), 0.1, false, 2, 0, Priority.WARNING, Set.of(),
            16, 4);

    private final StatsEngine engine = new StatsEngine(SETTINGS);
    private int index;

    @Test
    void noScoreDuringWarmup() {
        for (int i = 0; i < 10; i++) {
            assertNull(next(WEB, 10, 5, 0).score(), "window " + i);
        }

        assertNotNull(next(WEB, 10, 5, 0).score());
    }

    @Test
    void steadyWindowsRaiseNoAlert() {
        for (int i = 0; i < 200; i++) {
            StatsEngine.Outcome outcome = next(WEB, 10 + i % 3, 5 + i % 2, 0);

            assertEquals(List.of(), outcome.alerts(), "window " + i);
        }
        assertEquals(0, engine.alertsPosted());
    }

    @Test
    void sustainedDeviationRaisesOneAlert() {
        learn(WEB, 20);

        StatsEngine.Outcome first = next(WEB, 10, 15, 0);
        StatsEngine.Outcome second = next(WEB, 10, 15, 0);
        StatsEngine.Outcome third = next(WEB, 10, 15, 0);

        assertEquals(List.of(), first.alerts());
        assertEquals(1, second.alerts().size());
        assertEquals(List.of(), third.alerts());
        Alert alert = second.alerts().get(0);
        assertEquals("stats", alert.detector());
        assertEquals("Anomalous tcp_connects", alert.rule());
        assertEquals(Priority.WARNING, alert.priority());
        assertEquals(List.of("anomaly", "statistics", "network"), alert.tags());
        assertEquals("tcp_connects", alert.evidence().get("feature"));
        assertEquals(15.0, alert.evidence().get("observed"));
        assertEquals(5.0, alert.evidence().get("baseline"));
        assertEquals(1.0, alert.evidence().get("scale"));
        assertEquals(10.0, alert.evidence().get("score"));
        assertEquals(2, alert.evidence().get("windows"));
        assertEquals("container", alert.evidence().get("baseline.source"));
        assertEquals(WEB, alert.container());
        assertEquals("a1b2c3d4e5f6", alert.fields().get("container.id"), "short id, as the rules give it");
    }

    @Test
    void deviationsOfOneWindowShareAlert() {
        learn(WEB, 20);

        StatsEngine.Outcome outcome = next(WEB, 40, 500, 0);

        assertEquals(1, outcome.alerts().size());
        Alert alert = outcome.alerts().get(0);
        assertEquals("Anomalous tcp_connects", alert.rule());
        assertEquals(Map.of("tcp_connects", 495.0, "execs", 30.0),
                alert.evidence().get("features"));
        assertEquals(List.of("anomaly", "statistics", "network", "process"), alert.tags());
        assertTrue(alert.message().endsWith("; also execs=40 (score 30.0)"), alert.message());
    }

    @Test
    void scoreEventCarriesHighestFeature() {
        learn(WEB, 20);

        StatsEngine.Outcome outcome = next(WEB, 10, 12, 0);

        assertEquals("tcp_connects", outcome.score().model());
        assertEquals(7.0, outcome.score().score(), 1e-9);
        assertEquals(6.0, outcome.score().threshold());
        assertEquals("stats", outcome.score().detector());
    }

    @Test
    void singleModerateDeviationIgnored() {
        learn(WEB, 20);

        StatsEngine.Outcome spike = next(WEB, 10, 15, 0);
        StatsEngine.Outcome after = next(WEB, 10, 5, 0);

        assertEquals(List.of(), spike.alerts());
        assertEquals(List.of(), after.alerts());
    }

    @Test
    void singleExtremeDeviationAlertsAtOnce() {
        learn(WEB, 20);

        StatsEngine.Outcome spike = next(WEB, 10, 500, 0);

        assertEquals(1, spike.alerts().size());
        assertEquals(1, spike.alerts().get(0).evidence().get("windows"));
    }

    @Test
    void firstRunOfNewBinaryAlerts() {
        learn(WEB, 20);

        StatsEngine.Outcome outcome = next(WEB, 11, 5, 1);

        assertEquals(1, outcome.alerts().size());
        assertEquals("Anomalous exec_binaries_new", outcome.alerts().get(0).rule());
        assertEquals(20.0, outcome.alerts().get(0).evidence().get("score"));
    }

    @Test
    void alertsOfOneFeatureRateLimited() {
        Settings limited = new Settings(10, 30, 6, 2, 20, 1, Map.of(), 0.1, false, 2, 60_000,
                Priority.NOTICE, Set.of(), 16, 4);
        StatsEngine engineWithLimit = new StatsEngine(limited);
        for (int i = 0; i < 20; i++) {
            engineWithLimit.process(window(WEB, 10, 5, 0));
        }

        List<Alert> first = engineWithLimit.process(window(WEB, 10, 500, 0)).alerts();
        engineWithLimit.process(window(WEB, 10, 5, 0));
        List<Alert> second = engineWithLimit.process(window(WEB, 10, 500, 0)).alerts();

        assertEquals(1, first.size());
        assertEquals(List.of(), second);
        assertEquals(1, engineWithLimit.suppressed());
    }

    @Test
    void suppressedCountReportedInNextAlert() {
        Settings limited = new Settings(10, 30, 6, 2, 20, 1, Map.of(), 0.1, false, 2, 5_000,
                Priority.NOTICE, Set.of(), 16, 4);
        StatsEngine engineWithLimit = new StatsEngine(limited);
        for (int i = 0; i < 20; i++) {
            engineWithLimit.process(window(WEB, 10, 5, 0));
        }
        engineWithLimit.process(window(WEB, 10, 500, 0));
        engineWithLimit.process(window(WEB, 10, 5, 0));
        engineWithLimit.process(window(WEB, 10, 500, 0));
        for (int i = 0; i < 5; i++) {
            engineWithLimit.process(window(WEB, 10, 5, 0));
        }

        List<Alert> later = engineWithLimit.process(window(WEB, 10, 500, 0)).alerts();

        assertEquals(1, later.size());
        assertEquals(1L, later.get(0).evidence().get("suppressed"));
    }

    @Test
    void dropIgnoredByDefault() {
        for (int i = 0; i < 20; i++) {
            next(WEB, 100, 5, 0);
        }

        StatsEngine.Outcome down = next(WEB, 0, 5, 0);

        assertEquals(0.0, down.score().score());
    }

    @Test
    void dropScoredWithBothDirections() {
        Settings both = new Settings(10, 30, 6, 2, 20, 1, Map.of(), 0.1, true, 2, 0,
                Priority.WARNING, Set.of(), 16, 4);
        StatsEngine twoSided = new StatsEngine(both);
        for (int i = 0; i < 20; i++) {
            twoSided.process(window(WEB, 100, 5, 0));
        }

        StatsEngine.Outcome down = twoSided.process(window(WEB, 0, 5, 0));

        assertEquals(10.0, down.score().score(), 1e-9);
    }

    @Test
    void newContainerOfKnownImageStartsWarm() {
        learn(WEB, 20);
        ContainerInfo sibling = container("b2", "web:1");

        StatsEngine.Outcome first = next(sibling, 10, 5, 0);
        StatsEngine.Outcome second = next(sibling, 10, 5, 0);
        StatsEngine.Outcome third = next(sibling, 10, 5, 0);

        assertNull(first.score(), "start grace");
        assertNull(second.score(), "start grace");
        assertNotNull(third.score());
    }

    @Test
    void stoppedContainerForgottenAndImageKept() {
        learn(WEB, 20);
        ContainerInfo other = container("c3", "db:1");
        for (int i = 0; i < 4; i++) {
            next(other, 1, 1, 0);
        }

        assertEquals(1, engine.containersTracked());
        assertEquals(1, engine.imagesKnown());

        ContainerInfo successor = container("d4", "web:1");
        next(successor, 10, 5, 0);
        next(successor, 10, 5, 0);
        StatsEngine.Outcome outcome = next(successor, 10, 25, 0);
        next(successor, 10, 25, 0);

        assertNotNull(outcome.score());
        assertEquals(20.0, outcome.score().score(), 1e-9);
        assertEquals("image", outcome.alerts().get(0).evidence().get("baseline.source"));
    }

    @Test
    void unknownImageLearnsFromScratch() {
        learn(WEB, 20);
        ContainerInfo unnamed = container("e5", "");

        assertNull(next(unnamed, 10, 5, 0).score());
    }

    @Test
    void excludedFeatureNeverAlerts() {
        Settings excluding = new Settings(10, 30, 6, 2, 20, 1, Map.of(), 0.1, false, 2, 0,
                Priority.WARNING, Set.of("tcp_connects"), 16, 4);
        StatsEngine filtered = new StatsEngine(excluding);
        for (int i = 0; i < 20; i++) {
            filtered.process(window(WEB, 10, 5, 0));
        }

        assertEquals(List.of(), filtered.process(window(WEB, 10, 500, 0)).alerts());
    }

    @Test
    void windowLengthChangeRestartsLearning() {
        learn(WEB, 20);
        Instant start = T0.plus(WINDOW.multipliedBy(index));

        StatsEngine.Outcome outcome = engine.process(new FeatureWindow(WEB, start,
                start.plusSeconds(5), NAMES, new double[] {10, 500, 0}));

        assertNull(outcome.score());
        assertEquals(0, engine.baselinesWarm());
    }

    private void learn(ContainerInfo container, int windows) {
        for (int i = 0; i < windows; i++) {
            next(container, 10, 5, 0);
        }
    }

    /** Processes the next window, one second after the previous one of any container. */
    private StatsEngine.Outcome next(ContainerInfo container, double execs, double connects,
            double newBinaries) {
        return engine.process(window(container, execs, connects, newBinaries));
    }

    private FeatureWindow window(ContainerInfo container, double execs, double connects,
            double newBinaries) {
        Instant start = T0.plus(WINDOW.multipliedBy(index++));
        return new FeatureWindow(container, start, start.plus(WINDOW), NAMES,
                new double[] {execs, connects, newBinaries});
    }

    private static ContainerInfo container(String id, String image) {
        return new ContainerInfo("docker", id, "name-" + id, image, Map.of(), "", "", "");
    }
}
