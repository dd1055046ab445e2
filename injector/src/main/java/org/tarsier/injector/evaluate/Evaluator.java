package org.tarsier.injector.evaluate;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import org.tarsier.injector.run.Label;

/**
 * Joins labelled periods with alerts.
 *
 * <p>An alert belongs to a label when it is about the label's container and its time lies in
 * [start, end + grace]: detectors that score windows report after the window closes. An expected
 * detection {@code rules:NAME} matches alerts of detector {@code rules} and rule {@code NAME};
 * any other expected detection names a detector and matches all of its alerts. Alerts about
 * the run's containers outside every anomaly period, including all alerts about normal
 * workload containers, are false alerts. Alerts about the host or other containers during the
 * run are only counted, because other software on the host may cause them.
 */
public final class Evaluator {

    /** Expected-detection prefix of a rule of the rules detector. */
    public static final String RULES_PREFIX = "rules:";

    private final Duration grace;

    public Evaluator(Duration grace) {
        this.grace = grace;
    }

    /** Evaluates {@code alerts} against {@code labels}. */
    public Evaluation evaluate(List<Label> labels, List<AlertRecord> alerts) {
        List<Label> anomalies = labels.stream().filter(Label::anomaly).toList();
        List<Label> normal = labels.stream().filter(label -> !label.anomaly()).toList();

        Map<String, Integer> falseAlerts = new TreeMap<>();
        Map<String, Integer> unexpected = new TreeMap<>();
        Map<String, int[]> detectorAlertCounts = new TreeMap<>();
        int ignored = classifyAlerts(labels, anomalies, alerts, falseAlerts, unexpected,
                detectorAlertCounts);

        long normalSeconds = normal.stream()
                .mapToLong(label -> Duration.between(label.start(), label.end()).toSeconds())
                .sum();
        return new Evaluation(kindRows(anomalies, alerts),
                detectorRows(anomalies, alerts, detectorAlertCounts), falseAlerts, unexpected,
                anomalies.size(), normal.size(), normalSeconds, ignored, grace);
    }

    /**
     * Sorts every alert into false, unexpected-in-window or ignored; returns the ignored count.
     * {@code detectorCounts} gets, per detector, {false alerts, unexpected alerts}.
     */
    private int classifyAlerts(List<Label> labels, List<Label> anomalies,
            List<AlertRecord> alerts, Map<String, Integer> falseAlerts,
            Map<String, Integer> unexpected, Map<String, int[]> detectorCounts) {
        int ignored = 0;
        Instant runStart = labels.stream().map(Label::start).min(Instant::compareTo)
                .orElse(Instant.MAX);
        Instant runEnd = labels.stream().map(Label::end).max(Instant::compareTo)
                .orElse(Instant.MIN).plus(grace);
        for (AlertRecord alert : alerts) {
            boolean aboutRun = labels.stream().anyMatch(l -> alert.isAbout(l.containerId()));
            if (!aboutRun) {
                boolean duringRun = !alert.time().isBefore(runStart)
                        && !alert.time().isAfter(runEnd);
                ignored += duringRun ? 1 : 0;
                continue;
            }
            String key = alert.detector() + ": " + alert.rule();
            int[] counts = detectorCounts.computeIfAbsent(alert.detector(), d -> new int[2]);
            Optional<Label> window = anomalies.stream()
                    .filter(label -> inWindow(label, alert)).findFirst();
            if (window.isEmpty()) {
                falseAlerts.merge(key, 1, Integer::sum);
                counts[0]++;
            } else if (!expects(window.get(), alert)) {
                unexpected.merge(key, 1, Integer::sum);
                counts[1]++;
            }
        }
        return ignored;
    }

    private List<Evaluation.KindRow> kindRows(List<Label> anomalies, List<AlertRecord> alerts) {
        Map<String, List<Label>> byKind = new TreeMap<>();
        anomalies.forEach(label -> byKind.computeIfAbsent(label.kind(), k -> new ArrayList<>())
                .add(label));
        List<Evaluation.KindRow> rows = new ArrayList<>();
        byKind.forEach((kind, labels) -> {
            Set<String> expectations = new TreeSet<>();
            labels.forEach(label -> expectations.addAll(label.expected()));
            for (String expected : expectations) {
                rows.add(row(kind, expected, labels, alerts, Set.of(expected)));
            }
            rows.add(row(kind, "any", labels, alerts, expectations));
        });
        return rows;
    }

    private Evaluation.KindRow row(String kind, String name, List<Label> labels,
            List<AlertRecord> alerts, Set<String> expectations) {
        int anomalies = 0;
        List<Duration> times = new ArrayList<>();
        for (Label label : labels) {
            List<String> matching = label.expected().stream()
                    .filter(expectations::contains).toList();
            if (matching.isEmpty()) {
                continue;
            }
            anomalies++;
            firstMatch(label, alerts, matching)
                    .ifPresent(time -> times.add(Duration.between(label.start(), time)));
        }
        return new Evaluation.KindRow(kind, name, anomalies, times.size(), sorted(times));
    }

    private List<Evaluation.DetectorRow> detectorRows(List<Label> anomalies,
            List<AlertRecord> alerts, Map<String, int[]> alertCounts) {
        Map<String, List<String>> detectors = new LinkedHashMap<>();
        for (Label label : anomalies) {
            for (String expected : label.expected()) {
                detectors.computeIfAbsent(detectorOf(expected), d -> new ArrayList<>());
            }
        }
        alertCounts.keySet().forEach(d -> detectors.computeIfAbsent(d, k -> new ArrayList<>()));

        List<Evaluation.DetectorRow> rows = new ArrayList<>();
        for (String detector : new TreeSet<>(detectors.keySet())) {
            int expecting = 0;
            List<Duration> times = new ArrayList<>();
            for (Label label : anomalies) {
                List<String> matching = label.expected().stream()
                        .filter(e -> detectorOf(e).equals(detector)).toList();
                if (matching.isEmpty()) {
                    continue;
                }
                expecting++;
                firstMatch(label, alerts, matching)
                        .ifPresent(time -> times.add(Duration.between(label.start(), time)));
            }
            int[] counts = alertCounts.getOrDefault(detector, new int[2]);
            rows.add(new Evaluation.DetectorRow(detector, expecting, times.size(),
                    sorted(times), counts[0], counts[1]));
        }
        return rows;
    }

    private Optional<Instant> firstMatch(Label label, List<AlertRecord> alerts,
            List<String> expectations) {
        return alerts.stream()
                .filter(alert -> inWindow(label, alert))
                .filter(alert -> expectations.stream().anyMatch(e -> matches(e, alert)))
                .map(AlertRecord::time)
                .min(Instant::compareTo);
    }

    private boolean inWindow(Label label, AlertRecord alert) {
        return alert.isAbout(label.containerId())
                && !alert.time().isBefore(label.start())
                && !alert.time().isAfter(label.end().plus(grace));
    }

    private static boolean expects(Label label, AlertRecord alert) {
        return label.expected().stream().anyMatch(e -> matches(e, alert));
    }

    /** Returns whether {@code alert} satisfies the expected detection {@code expected}. */
    static boolean matches(String expected, AlertRecord alert) {
        if (expected.startsWith(RULES_PREFIX)) {
            return alert.detector().equals("rules")
                    && alert.rule().equals(expected.substring(RULES_PREFIX.length()));
        }
        return alert.detector().equals(expected);
    }

    /** Returns the detector of an expected detection, e.g. {@code rules} for a rule. */
    static String detectorOf(String expected) {
        return expected.startsWith(RULES_PREFIX) ? "rules" : expected;
    }

    private static List<Duration> sorted(List<Duration> times) {
        return times.stream().sorted().toList();
    }

    /**
     * Returns the nearest-rank percentile of sorted {@code values}, or empty when there are
     * none. With fewer than 100 values, p99 is the maximum.
     */
    public static Optional<Duration> percentile(List<Duration> values, double percent) {
        if (values.isEmpty()) {
            return Optional.empty();
        }
        int rank = (int) Math.ceil(percent / 100.0 * values.size());
        return Optional.of(values.get(Math.max(0, rank - 1)));
    }
}
