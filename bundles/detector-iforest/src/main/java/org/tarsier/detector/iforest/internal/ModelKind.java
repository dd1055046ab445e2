package org.tarsier.detector.iforest.internal;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.tribuo.Dataset;
import org.tribuo.Example;
import org.tribuo.Feature;
import org.tribuo.Trainer;
import org.tribuo.anomaly.Event;
import org.tribuo.anomaly.libsvm.LibSVMAnomalyTrainer;
import org.tribuo.anomaly.libsvm.SVMAnomalyType;
import org.tribuo.common.libsvm.KernelType;
import org.tribuo.common.libsvm.SVMParameters;
import org.tribuo.transform.TransformTrainer;
import org.tribuo.transform.Transformation;
import org.tribuo.transform.TransformationMap;
import org.tribuo.transform.transformations.MeanStdDevTransformation;

/**
 * The Tribuo anomaly models the detector can train, chosen by the {@code model.type} property.
 * Each kind turns its model's {@link Event} into one anomaly score, where higher is more
 * anomalous, so thresholds work the same for every kind.
 */
enum ModelKind {

    /** Isolation Forest; the score is the forest's score in (0, 1]. */
    IFOREST("iforest") {
        @Override
        Trainer<Event> trainer(Settings settings, Dataset<Event> dataset) {
            return new IsolationForestTrainer(settings.trees(), settings.subsampleSize(),
                    settings.rangeMargin(), settings.seed());
        }

        @Override
        double anomalyScore(Event prediction) {
            return prediction.getScore();
        }
    },

    /**
     * Tribuo's one-class SVM (libsvm, RBF kernel) on features standardized to mean 0 and
     * standard deviation 1. libsvm's decision value is negative outside the learnt region, so
     * the anomaly score is the negated decision value.
     */
    OCSVM("ocsvm") {
        @Override
        Trainer<Event> trainer(Settings settings, Dataset<Event> dataset) {
            SVMParameters<Event> parameters = new SVMParameters<>(
                    new SVMAnomalyType(SVMAnomalyType.SVMMode.ONE_CLASS), KernelType.RBF);
            parameters.setNu(settings.svmNu());
            int featureCount = dataset.getFeatureMap().size();
            parameters.setGamma(settings.svmGamma() > 0
                    ? settings.svmGamma() : 1.0 / Math.max(featureCount, 1));
            // libsvm prints its progress on standard output unless given another printer.
            libsvm.svm.svm_set_print_string_function(message -> { });
            LibSVMAnomalyTrainer svm = new LibSVMAnomalyTrainer(parameters, settings.seed());
            return new TransformTrainer<>(svm, new TransformationMap(standardize(dataset)));
        }

        @Override
        double anomalyScore(Event prediction) {
            return -prediction.getScore();
        }
    };

    private final String label;

    /**
     * Returns a mean and standard deviation transformation for every feature that varies in the
     * dataset. Constant features are left as they are, because dividing by their standard
     * deviation of 0 would turn them into NaN.
     */
    private static Map<String, List<Transformation>> standardize(Dataset<Event> dataset) {
        Map<String, double[]> ranges = new HashMap<>();
        for (Example<Event> example : dataset) {
            for (Feature feature : example) {
                double[] range = ranges.computeIfAbsent(feature.getName(),
                        name -> new double[] {Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY});
                range[0] = Math.min(range[0], feature.getValue());
                range[1] = Math.max(range[1], feature.getValue());
            }
        }
        Map<String, List<Transformation>> transformations = new HashMap<>();
        ranges.forEach((name, range) -> {
            if (range[0] < range[1]) {
                transformations.put(name, List.of(new MeanStdDevTransformation()));
            }
        });
        return transformations;
    }

    ModelKind(String label) {
        this.label = label;
    }

    /** Creates a trainer configured from {@code settings} for the training {@code dataset}. */
    abstract Trainer<Event> trainer(Settings settings, Dataset<Event> dataset);

    /** Returns the anomaly score of a prediction of this kind's model; higher is worse. */
    abstract double anomalyScore(Event prediction);

    /** Returns the name used in configuration, model files and alerts. */
    String label() {
        return label;
    }

    /** Returns the kind named {@code text}, ignoring case, or null. */
    static ModelKind parse(String text) {
        for (ModelKind kind : values()) {
            if (kind.label.equals(text.trim().toLowerCase(Locale.ROOT))) {
                return kind;
            }
        }
        return null;
    }

    static List<String> names() {
        return Arrays.stream(values()).map(ModelKind::label).toList();
    }
}
