package org.tarsier.detector.iforest.internal;

import java.io.Serializable;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import org.tarsier.api.feature.FeatureWindow;
import org.tribuo.Example;
import org.tribuo.Excuse;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.anomaly.Event;

import com.oracle.labs.mlrg.olcut.util.Pair;

/**
 * A model trained for one image, with the sorted anomaly scores of its training windows from
 * which thresholds are derived. Saved to and loaded from disk with Java serialization.
 *
 * @param image image the model describes, or {@code container:<id>} when the image is unknown
 * @param kind model kind
 * @param model the Tribuo model
 * @param trainingScores anomaly scores of the training windows, ascending
 * @param trainedAt end of training
 * @param trainingMillis wall-clock training time in milliseconds
 */
record TrainedModel(String image, ModelKind kind, Model<Event> model, double[] trainingScores,
        Instant trainedAt, long trainingMillis) implements Serializable {

    private static final long serialVersionUID = 1L;

    TrainedModel {
        trainingScores = trainingScores.clone();
        Arrays.sort(trainingScores);
    }

    /** Trains a model of {@code kind} on the windows of {@code image}. */
    static TrainedModel train(String image, ModelKind kind, List<FeatureWindow> windows,
            Settings settings) {
        long start = System.nanoTime();
        MutableDataset<Event> dataset = WindowExamples.dataset(image, windows);
        Model<Event> model = kind.trainer(settings, dataset)
                .train(dataset);
        model.setName(kind.label() + ":" + image);
        double[] scores = new double[windows.size()];
        for (int i = 0; i < scores.length; i++) {
            scores[i] = kind.anomalyScore(model.predict(dataset.getExample(i)).getOutput());
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        return new TrainedModel(image, kind, model, scores, Instant.now(), millis);
    }

    /** Returns the number of windows the model was trained on. */
    int trainingWindows() {
        return trainingScores.length;
    }

    /** Returns the number of features in the model's feature map. */
    int featureCount() {
        return model.getFeatureIDMap().size();
    }

    /** Returns the anomaly score of a window; higher is more anomalous. */
    double score(FeatureWindow window) {
        return kind.anomalyScore(model.predict(WindowExamples.example(window)).getOutput());
    }

    /**
     * Returns the training score at quantile {@code 1 - contamination}, interpolated linearly
     * between neighbours as numpy's default percentile does. Contamination 0 gives the highest
     * training score.
     */
    double thresholdFor(double contamination) {
        double position = (1 - contamination) * (trainingScores.length - 1);
        int below = (int) Math.floor(position);
        int above = Math.min(below + 1, trainingScores.length - 1);
        double fraction = position - below;
        return trainingScores[below] + fraction * (trainingScores[above] - trainingScores[below]);
    }

    /**
     * Returns up to {@code count} features that most isolated the window, as name, observed
     * value and share; empty when the model kind gives no per-example explanation.
     */
    List<String> topFeatures(FeatureWindow window, int count) {
        Example<Event> example = WindowExamples.example(window);
        Optional<Excuse<Event>> excuse = model.getExcuse(example);
        if (excuse.isEmpty()) {
            return List.of();
        }
        List<String> top = new ArrayList<>();
        for (Pair<String, Double> feature : excuse.get().excuse(Model.ALL_OUTPUTS)) {
            if (top.size() == count || feature.getB() <= 0) {
                break;
            }
            top.add(String.format(java.util.Locale.ROOT, "%s=%s (share %.2f)", feature.getA(),
                    formatValue(window.value(feature.getA())), feature.getB()));
        }
        return top;
    }

    private static String formatValue(double value) {
        return value == Math.rint(value) && Math.abs(value) < 1e15
                ? Long.toString((long) value) : Double.toString(value);
    }
}
