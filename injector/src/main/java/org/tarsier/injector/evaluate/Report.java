package org.tarsier.injector.evaluate;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;

/** Renders an {@link Evaluation} as Markdown tables or as JSON. */
public final class Report {

    private Report() {
    }

    /** Renders the evaluation as Markdown: by kind, by detector, then the false alerts. */
    public static String markdown(Evaluation evaluation) {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "%d anomalies; %d normal workload period(s), %d s;"
                + " grace after each anomaly %d s; %d alert(s) about the host or other"
                + " containers ignored.%n%n", evaluation.anomalies(), evaluation.normalPeriods(),
                evaluation.normalSeconds(), evaluation.grace().toSeconds(),
                evaluation.ignoredAlerts()));

        out.append("### By kind\n\n");
        out.append("| kind | expected detection | anomalies | detected | rate | TTD p50 s"
                + " | TTD p99 s |\n");
        out.append("| --- | --- | ---: | ---: | ---: | ---: | ---: |\n");
        for (Evaluation.KindRow row : evaluation.byKind()) {
            out.append(String.format(Locale.ROOT, "| %s | %s | %d | %d | %s | %s | %s |%n",
                    row.kind(), row.expected().equals("any") ? "**any**" : row.expected(),
                    row.anomalies(), row.detected(), rate(row.detected(), row.anomalies()),
                    seconds(row.timesToDetect(), 50), seconds(row.timesToDetect(), 99)));
        }

        out.append("\n### By detector\n\n");
        out.append("| detector | anomalies expecting it | detected | rate | TTD p50 s | TTD p99 s"
                + " | false alerts | other alerts in anomaly periods |\n");
        out.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        for (Evaluation.DetectorRow row : evaluation.byDetector()) {
            out.append(String.format(Locale.ROOT, "| %s | %d | %d | %s | %s | %s | %d | %d |%n",
                    row.detector(), row.anomalies(), row.detected(),
                    rate(row.detected(), row.anomalies()), seconds(row.timesToDetect(), 50),
                    seconds(row.timesToDetect(), 99), row.falseAlerts(),
                    row.unexpectedInWindows()));
        }

        appendCounts(out, "False alerts (outside every anomaly period)",
                evaluation.falseAlerts());
        appendCounts(out, "Other alerts in anomaly periods (not expected for the kind)",
                evaluation.unexpectedInWindows());
        return out.toString();
    }

    /** Renders the evaluation as a JSON document; times to detect are in seconds. */
    public static String json(Evaluation evaluation) {
        JsonObject root = new JsonObject();
        root.addProperty("anomalies", evaluation.anomalies());
        root.addProperty("normal_periods", evaluation.normalPeriods());
        root.addProperty("normal_seconds", evaluation.normalSeconds());
        root.addProperty("grace_seconds", evaluation.grace().toSeconds());
        root.addProperty("ignored_alerts", evaluation.ignoredAlerts());
        JsonArray kinds = new JsonArray();
        for (Evaluation.KindRow row : evaluation.byKind()) {
            JsonObject json = new JsonObject();
            json.addProperty("kind", row.kind());
            json.addProperty("expected", row.expected());
            json.addProperty("anomalies", row.anomalies());
            json.addProperty("detected", row.detected());
            addRateAndTimes(json, row.detected(), row.anomalies(), row.timesToDetect());
            kinds.add(json);
        }
        root.add("by_kind", kinds);
        JsonArray detectors = new JsonArray();
        for (Evaluation.DetectorRow row : evaluation.byDetector()) {
            JsonObject json = new JsonObject();
            json.addProperty("detector", row.detector());
            json.addProperty("anomalies", row.anomalies());
            json.addProperty("detected", row.detected());
            addRateAndTimes(json, row.detected(), row.anomalies(), row.timesToDetect());
            json.addProperty("false_alerts", row.falseAlerts());
            json.addProperty("other_alerts_in_anomaly_periods", row.unexpectedInWindows());
            detectors.add(json);
        }
        root.add("by_detector", detectors);
        root.add("false_alerts", counts(evaluation.falseAlerts()));
        root.add("other_alerts_in_anomaly_periods", counts(evaluation.unexpectedInWindows()));
        return new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create()
                .toJson(root) + "\n";
    }

    private static void addRateAndTimes(JsonObject json, int detected, int anomalies,
            List<Duration> times) {
        if (anomalies > 0) {
            json.addProperty("rate", (double) detected / anomalies);
        }
        percentileSeconds(times, 50).ifPresent(v -> json.addProperty("ttd_p50_s", v));
        percentileSeconds(times, 99).ifPresent(v -> json.addProperty("ttd_p99_s", v));
    }

    private static JsonObject counts(Map<String, Integer> counts) {
        JsonObject json = new JsonObject();
        counts.forEach(json::addProperty);
        return json;
    }

    private static void appendCounts(StringBuilder out, String title,
            Map<String, Integer> counts) {
        out.append("\n### ").append(title).append("\n\n");
        if (counts.isEmpty()) {
            out.append("None.\n");
            return;
        }
        out.append("| detector: rule | alerts |\n| --- | ---: |\n");
        counts.forEach((key, count) -> out.append("| ").append(key).append(" | ").append(count)
                .append(" |\n"));
    }

    private static String rate(int detected, int anomalies) {
        return anomalies == 0 ? "-" : String.format(Locale.ROOT, "%.0f%%",
                100.0 * detected / anomalies);
    }

    private static String seconds(List<Duration> times, double percent) {
        return percentileSeconds(times, percent)
                .map(v -> String.format(Locale.ROOT, "%.2f", v)).orElse("-");
    }

    private static Optional<Double> percentileSeconds(List<Duration> times, double percent) {
        return Evaluator.percentile(times, percent).map(d -> d.toNanos() / 1e9);
    }
}
