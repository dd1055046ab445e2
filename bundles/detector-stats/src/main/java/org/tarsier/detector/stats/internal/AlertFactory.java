package org.tarsier.detector.stats.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.tarsier.api.alert.Alert;
import org.tarsier.api.container.ContainerInfo;
import org.tarsier.api.feature.FeatureWindow;

/**
 * Builds the alert of the features that deviate in one container's window, with the figures
 * behind the decision as evidence. The feature with the highest score leads the alert.
 */
final class AlertFactory {

    /** Prefix of every rule name; the leading feature's name follows. */
    static final String RULE_PREFIX = "Anomalous ";

    /** Other deviating features named in the message; the evidence lists all of them. */
    private static final int MESSAGE_FEATURES = 4;

    private AlertFactory() {
    }

    /**
     * Builds the alert of a window.
     *
     * @param findings the deviating features, highest score first; at least one
     */
    static Alert alert(ContainerModel model, FeatureWindow window,
            List<StatsEngine.Finding> findings, Settings settings) {
        ContainerInfo container = model.info();
        StatsEngine.Finding lead = findings.get(0);
        StatsEngine.Deviation deviation = lead.deviation();
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("container.id", container.shortId());
        fields.put("container.name", container.name());
        fields.put("container.image", container.image());

        Map<String, Object> evidence = new LinkedHashMap<>();
        evidence.put("feature", deviation.feature());
        evidence.put("observed", deviation.observed());
        evidence.put("baseline", deviation.baseline());
        evidence.put("scale", deviation.scale());
        evidence.put("score", deviation.score());
        evidence.put("threshold", settings.threshold());
        evidence.put("windows", lead.streak());
        evidence.put("window.start", window.start().toString());
        evidence.put("window.end", window.end().toString());
        evidence.put("baseline.source", model.fromImage() ? "image" : "container");
        evidence.put("baseline.windows", model.learnedWindows());
        evidence.put("suppressed", lead.suppressedBefore());
        evidence.put("features", scores(findings));

        Set<String> tags = new LinkedHashSet<>(List.of("anomaly", "statistics"));
        findings.forEach(finding -> tags.add(category(finding.deviation().feature())));
        return new Alert(UUID.randomUUID().toString(), window.end(), StatsDetector.NAME,
                RULE_PREFIX + deviation.feature(), settings.priority(),
                message(container, window, findings), fields, List.copyOf(tags), evidence,
                container);
    }

    /** Returns the tag of a feature's source: process, filesystem, network, syscall or cpu. */
    static String category(String feature) {
        if (feature.startsWith("tcp_")) {
            return "network";
        }
        if (feature.startsWith("file_")) {
            return "filesystem";
        }
        if (feature.startsWith("syscall")) {
            return "syscall";
        }
        if (feature.startsWith("cpu_")) {
            return "cpu";
        }
        return "process";
    }

    private static Map<String, Double> scores(List<StatsEngine.Finding> findings) {
        Map<String, Double> scores = new LinkedHashMap<>();
        for (StatsEngine.Finding finding : findings) {
            scores.put(finding.deviation().feature(), finding.deviation().score());
        }
        return scores;
    }

    private static String message(ContainerInfo container, FeatureWindow window,
            List<StatsEngine.Finding> findings) {
        StatsEngine.Deviation deviation = findings.get(0).deviation();
        long millis = Duration.between(window.start(), window.end()).toMillis();
        String text = String.format(Locale.ROOT, "%s=%s in container %s (id=%s image=%s):"
                        + " baseline %s, scale %s, score %.1f for %d window(s) of %d ms",
                deviation.feature(), number(deviation.observed()),
                container.name().isEmpty() ? "<unnamed>" : container.name(), container.shortId(),
                container.image().isEmpty() ? "<unknown>" : container.image(),
                number(deviation.baseline()), number(deviation.scale()), deviation.score(),
                findings.get(0).streak(), millis);
        if (findings.size() == 1) {
            return text;
        }
        List<String> others = new ArrayList<>();
        for (StatsEngine.Finding finding : findings.subList(1, findings.size())) {
            if (others.size() == MESSAGE_FEATURES) {
                others.add("and " + (findings.size() - 1 - MESSAGE_FEATURES) + " more");
                break;
            }
            others.add(String.format(Locale.ROOT, "%s=%s (score %.1f)",
                    finding.deviation().feature(), number(finding.deviation().observed()),
                    finding.deviation().score()));
        }
        return text + "; also " + String.join(", ", others);
    }

    private static String number(double value) {
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            return Long.toString((long) value);
        }
        return String.format(Locale.ROOT, "%.2f", value);
    }
}
