package org.tarsier.injector.evaluate;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Result of joining labels with alerts.
 *
 * @param byKind one row per kind and expected detection, plus an {@code any} row per kind
 * @param byDetector one row per detector that some label expects or that raised an alert
 * @param falseAlerts alerts on the run's containers outside every labelled anomaly period
 *     (grace included), by detector and rule
 * @param unexpectedInWindows alerts inside anomaly periods whose detector and rule the label
 *     did not expect, by detector and rule
 * @param anomalies labelled anomalies
 * @param normalPeriods labelled periods of normal workload
 * @param normalSeconds total length of the normal workload periods
 * @param ignoredAlerts alerts between the first label's start and the last label's end plus
 *     grace, about the host or containers that no label names
 * @param grace time after a label's end during which alerts still count for it
 */
public record Evaluation(List<KindRow> byKind, List<DetectorRow> byDetector,
        Map<String, Integer> falseAlerts, Map<String, Integer> unexpectedInWindows,
        int anomalies, int normalPeriods, long normalSeconds, int ignoredAlerts,
        Duration grace) {

    /**
     * Detection of one expected detection for one kind.
     *
     * @param kind kind id
     * @param expected expected detection, or {@code any} for any of the kind's expectations
     * @param anomalies labelled anomalies of the kind
     * @param detected anomalies with a matching alert in their period
     * @param timesToDetect time from each detected anomaly's start to its first matching alert
     */
    public record KindRow(String kind, String expected, int anomalies, int detected,
            List<Duration> timesToDetect) {
    }

    /**
     * Detection by one detector over the anomalies that expect it.
     *
     * @param detector detector name
     * @param anomalies anomalies that expect this detector
     * @param detected of those, anomalies with a matching alert of this detector
     * @param timesToDetect time from each detected anomaly's start to its first matching alert
     * @param falseAlerts alerts of this detector outside every anomaly period on the run's
     *     containers
     * @param unexpectedInWindows alerts of this detector inside anomaly periods that no
     *     expectation of the label names
     */
    public record DetectorRow(String detector, int anomalies, int detected,
            List<Duration> timesToDetect, int falseAlerts, int unexpectedInWindows) {
    }
}
