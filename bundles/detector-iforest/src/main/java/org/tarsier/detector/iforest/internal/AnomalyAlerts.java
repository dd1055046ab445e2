package org.tarsier.detector.iforest.internal;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

import org.tarsier.api.alert.Alert;
import org.tarsier.api.alert.Priority;
import org.tarsier.api.container.ContainerInfo;
import org.tarsier.api.feature.FeatureWindow;

/** Builds the alert of a window whose anomaly score reached the threshold. */
final class AnomalyAlerts {

    static final String RULE = "Anomalous container activity";

    private AnomalyAlerts() {
    }

    static Alert of(String detector, FeatureWindow window, ImageModels.Outcome outcome,
            List<String> topFeatures) {
        ContainerInfo container = window.container();
        TrainedModel model = outcome.model();
        String message = String.format(Locale.ROOT,
                "Anomalous activity in container %s (image %s): %s score %.4f >= threshold %.4f"
                        + " for the window %s to %s%s",
                container.name().isEmpty() ? container.shortId() : container.name(),
                outcome.image(), model.kind().label(), outcome.score(), outcome.threshold(),
                window.start(), window.end(),
                topFeatures.isEmpty() ? "" : "; top features: " + String.join(", ", topFeatures));

        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("container.id", container.shortId());
        fields.put("container.name", container.name());
        fields.put("container.image", container.image());

        Map<String, Object> evidence = new LinkedHashMap<>();
        evidence.put("score", outcome.score());
        evidence.put("threshold", outcome.threshold());
        evidence.put("model", model.model().getName());
        evidence.put("model.trained_at", model.trainedAt().toString());
        evidence.put("model.training_windows", model.trainingWindows());
        evidence.put("window.start", window.start().toString());
        evidence.put("window.end", window.end().toString());
        evidence.put("top_features", topFeatures);

        return new Alert(UUID.randomUUID().toString(), window.end(), detector, RULE,
                Priority.WARNING, message, fields, List.of("anomaly", detector), evidence,
                container);
    }
}
