package org.tarsier.injector.evaluate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.tarsier.injector.run.Label;

class EvaluatorTest {

    private static final Instant T0 = Instant.parse("2026-01-01T12:00:00Z");
    private static final String FORKS = "a".repeat(64);
    private static final String ETC = "b".repeat(64);
    private static final String NORMAL = "c".repeat(64);
    private static final String OTHER = "d".repeat(64);
    private static final Evaluator EVALUATOR = new Evaluator(Duration.ofSeconds(10));

    private static Label label(String kind, String container, int startSecond, int endSecond,
            List<String> expected) {
        return new Label("run", kind, 1, kind, !kind.equals("normal"), container, kind, "img",
                T0.plusSeconds(startSecond), T0.plusSeconds(endSecond), 1, "x", expected,
                false);
    }

    private static AlertRecord alert(double second, String detector, String rule,
            String container) {
        return new AlertRecord(T0.plusMillis(Math.round(second * 1000)), detector, rule,
                container, "");
    }

    private static final List<Label> LABELS = List.of(
            label("normal", NORMAL, 0, 100, List.of()),
            label("fork_burst", FORKS, 20, 40,
                    List.of("rules:Fork burst in container", "stats")),
            label("write_below_etc", ETC, 50, 70, List.of("rules:Write below etc")));

    @Test
    void expectedRuleInPeriodIsDetected() {
        Evaluation result = EVALUATOR.evaluate(LABELS, List.of(
                alert(23.5, "rules", "Fork burst in container", FORKS)));
        Evaluation.KindRow row = kindRow(result, "fork_burst", "rules:Fork burst in container");
        assertEquals(1, row.anomalies());
        assertEquals(1, row.detected());
        assertEquals(List.of(Duration.ofMillis(3500)), row.timesToDetect());
    }

    @Test
    void shortContainerIdMatchesTheFullId() {
        Evaluation result = EVALUATOR.evaluate(LABELS, List.of(
                alert(55, "rules", "Write below etc", ETC.substring(0, 12))));
        assertEquals(1, kindRow(result, "write_below_etc", "rules:Write below etc").detected());
    }

    @Test
    void graceBoundsTheAnomalyPeriod() {
        Evaluation within = EVALUATOR.evaluate(LABELS, List.of(alert(49, "stats", "x", FORKS)));
        assertEquals(1, kindRow(within, "fork_burst", "stats").detected());

        Evaluation after = EVALUATOR.evaluate(LABELS, List.of(alert(51, "stats", "x", FORKS)));
        assertEquals(0, kindRow(after, "fork_burst", "stats").detected());
        assertEquals(Map.of("stats: x", 1), after.falseAlerts());
    }

    @Test
    void alertBeforeTheStartIsNotADetection() {
        Evaluation result = EVALUATOR.evaluate(LABELS, List.of(
                alert(19.9, "rules", "Fork burst in container", FORKS)));
        assertEquals(0, kindRow(result, "fork_burst", "rules:Fork burst in container")
                .detected());
    }

    @Test
    void alertOnAnotherContainerIsIgnored() {
        Evaluation result = EVALUATOR.evaluate(LABELS, List.of(
                alert(25, "rules", "Fork burst in container", OTHER),
                alert(25, "rules", "Fork burst in container", "host")));
        assertEquals(0, kindRow(result, "fork_burst", "rules:Fork burst in container")
                .detected());
        assertEquals(2, result.ignoredAlerts());
        assertTrue(result.falseAlerts().isEmpty(), result.falseAlerts().toString());
    }

    @Test
    void alertsOutsideTheRunAreNotCounted() {
        Evaluation result = EVALUATOR.evaluate(LABELS, List.of(
                alert(-5, "rules", "Port scan", OTHER),
                alert(111, "rules", "Port scan", OTHER),
                alert(109, "rules", "Port scan", OTHER)));
        assertEquals(1, result.ignoredAlerts());
    }

    @Test
    void otherRuleDoesNotSatisfyAnExpectedRule() {
        Evaluation result = EVALUATOR.evaluate(LABELS, List.of(
                alert(25, "rules", "Shell spawned in container", FORKS)));
        assertEquals(0, kindRow(result, "fork_burst", "rules:Fork burst in container")
                .detected());
        assertEquals(Map.of("rules: Shell spawned in container", 1),
                result.unexpectedInWindows());
    }

    @Test
    void alertOnNormalWorkloadIsFalse() {
        Evaluation result = EVALUATOR.evaluate(LABELS, List.of(
                alert(30, "iforest", "model", NORMAL),
                alert(60, "rules", "Shell spawned in container", NORMAL)));
        assertEquals(Map.of("iforest: model", 1, "rules: Shell spawned in container", 1),
                result.falseAlerts());
        assertEquals(1, detectorRow(result, "iforest").falseAlerts());
        assertEquals(1, detectorRow(result, "rules").falseAlerts());
    }

    @Test
    void anyRowCountsOneMatchingExpectation() {
        Evaluation result = EVALUATOR.evaluate(LABELS, List.of(
                alert(30, "stats", "forks", FORKS)));
        assertEquals(1, kindRow(result, "fork_burst", "any").detected());
        assertEquals(0, kindRow(result, "write_below_etc", "any").detected());
    }

    @Test
    void detectorRowUsesTheFirstMatchingAlert() {
        Evaluation result = EVALUATOR.evaluate(LABELS, List.of(
                alert(30, "rules", "Fork burst in container", FORKS),
                alert(22, "rules", "Fork burst in container", FORKS),
                alert(60, "rules", "Write below etc", ETC)));
        Evaluation.DetectorRow rules = detectorRow(result, "rules");
        assertEquals(2, rules.anomalies());
        assertEquals(2, rules.detected());
        assertEquals(List.of(Duration.ofSeconds(2), Duration.ofSeconds(10)),
                rules.timesToDetect());
        Evaluation.DetectorRow stats = detectorRow(result, "stats");
        assertEquals(1, stats.anomalies());
        assertEquals(0, stats.detected());
    }

    @Test
    void normalPeriodsAreCountedNotScored() {
        Evaluation result = EVALUATOR.evaluate(LABELS, List.of());
        assertEquals(2, result.anomalies());
        assertEquals(1, result.normalPeriods());
        assertEquals(100, result.normalSeconds());
        assertTrue(result.byKind().stream().noneMatch(r -> r.kind().equals("normal")));
    }

    @Test
    void percentileUsesNearestRank() {
        List<Duration> values = List.of(Duration.ofSeconds(1), Duration.ofSeconds(2),
                Duration.ofSeconds(3), Duration.ofSeconds(4));
        assertEquals(Duration.ofSeconds(2), Evaluator.percentile(values, 50).orElseThrow());
        assertEquals(Duration.ofSeconds(4), Evaluator.percentile(values, 99).orElseThrow());
        assertTrue(Evaluator.percentile(List.of(), 50).isEmpty());
    }

    @Test
    void markdownAndJsonReportTheRows() {
        Evaluation result = EVALUATOR.evaluate(LABELS, List.of(
                alert(23.5, "rules", "Fork burst in container", FORKS)));
        String markdown = Report.markdown(result);
        assertTrue(markdown.contains("| fork_burst | rules:Fork burst in container | 1 | 1 | 100%"
                + " | 3.50 | 3.50 |"), markdown);
        String json = Report.json(result);
        assertTrue(json.contains("\"ttd_p50_s\": 3.5"), json);
    }

    private static Evaluation.KindRow kindRow(Evaluation result, String kind, String expected) {
        return result.byKind().stream()
                .filter(r -> r.kind().equals(kind) && r.expected().equals(expected))
                .findFirst().orElseThrow(() -> new AssertionError("no row " + kind + "/"
                        + expected + " in " + result.byKind()));
    }

    private static Evaluation.DetectorRow detectorRow(Evaluation result, String detector) {
        return result.byDetector().stream().filter(r -> r.detector().equals(detector))
                .findFirst().orElseThrow(() -> new AssertionError("no row " + detector));
    }
}
