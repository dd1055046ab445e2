package org.tarsier.detector.iforest.internal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.tarsier.api.feature.FeatureWindow;

/** Text of the {@code model:list} and {@code model:score} commands. */
final class ModelReports {

    private ModelReports() {
    }

    static List<String> describe(ImageModels models, Settings settings) {
        List<String> lines = new ArrayList<>();
        for (ImageState state : models.states()) {
            TrainedModel model = state.model();
            String training = state.training() ? ", training now" : "";
            if (model == null) {
                lines.add(String.format(Locale.ROOT, "%s: learning, %d windows (training after"
                        + " %d s and at least %d windows)%s", state.image(), state.windowCount(),
                        settings.learningPeriod().toSeconds(), settings.minTrainingWindows(),
                        training));
                continue;
            }
            Instant due = models.retrainDue(model);
            lines.add(String.format(Locale.ROOT, "%s: %s trained %s on %d windows, %d features,"
                    + " threshold %.4f, %d windows scored, %d alerts, retrain %s%s",
                    state.image(), model.kind().label(), model.trainedAt(),
                    model.trainingWindows(), model.featureCount(), models.threshold(model),
                    state.windowsScored(), state.alerts(), due == null ? "off" : "after " + due,
                    training));
        }
        return lines;
    }

    static String score(ImageModels models, FeatureWindow window, int topFeatures) {
        String image = ImageModels.imageKey(window.container());
        ImageState state = models.state(image);
        TrainedModel model = state == null ? null : state.model();
        String container = window.container().name().isEmpty()
                ? window.container().shortId() : window.container().name();
        if (model == null) {
            return String.format(Locale.ROOT, "container %s: image %s is still learning (%d"
                    + " windows); no model to score with", container, image,
                    state == null ? 0 : state.windowCount());
        }
        double score = model.score(window);
        double threshold = models.threshold(model);
        List<String> top = model.topFeatures(window, topFeatures);
        return String.format(Locale.ROOT, "container %s, image %s, window ending %s: %s score"
                + " %.4f, threshold %.4f, %s%s", container, image, window.end(),
                model.kind().label(), score, threshold,
                score >= threshold ? "anomalous" : "normal",
                top.isEmpty() ? "" : "; top features: " + String.join(", ", top));
    }
}
