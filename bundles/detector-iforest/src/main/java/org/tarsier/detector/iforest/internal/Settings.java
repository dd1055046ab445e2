package org.tarsier.detector.iforest.internal;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * Validated configuration of the Isolation Forest detector. Each invalid property keeps its
 * previous value and adds an error naming the PID, the property, the value and what is expected.
 *
 * @param threshold explicit alert threshold, or NaN to take it from {@code contamination}
 */
record Settings(ModelKind modelKind, Duration learningPeriod, int minTrainingWindows,
        int maxTrainingWindows, double contamination, double threshold, Duration retrainInterval,
        Path modelDir, int trees, int subsampleSize, double rangeMargin, long seed, double svmNu, double svmGamma,
        int maxImages, boolean includeHost) {

    static final String PID = "org.tarsier.detector.iforest";

    static final Settings DEFAULTS = new Settings(ModelKind.IFOREST,
            Duration.ofSeconds(IForestDetector.DEFAULT_LEARNING_PERIOD_S),
            IForestDetector.DEFAULT_MIN_TRAINING_WINDOWS,
            IForestDetector.DEFAULT_MAX_TRAINING_WINDOWS, IForestDetector.DEFAULT_CONTAMINATION,
            Double.NaN, Duration.ofSeconds(IForestDetector.DEFAULT_RETRAIN_INTERVAL_S),
            Path.of(IForestDetector.DEFAULT_MODEL_DIR), IsolationForestTrainer.DEFAULT_TREES,
            IsolationForestTrainer.DEFAULT_SUBSAMPLE_SIZE, IForestDetector.DEFAULT_RANGE_MARGIN,
            IForestDetector.DEFAULT_SEED,
            IForestDetector.DEFAULT_SVM_NU, 0, IForestDetector.DEFAULT_MAX_IMAGES, false);

    /** Returns the settings of {@code config}, falling back to {@code previous} per property. */
    static Settings of(IForestDetector.Config config, Settings previous, List<String> errors) {
        Validator check = new Validator(errors);

        ModelKind kind = check.value("model.type", config.model_type(), previous.modelKind,
                "one of " + ModelKind.names(), ModelKind::parse);
        long learning = check.atLeast("learning.period.s", config.learning_period_s(), 0,
                previous.learningPeriod.toSeconds(), "seconds, 0 or more");
        int minWindows = (int) check.atLeast("min.training.windows",
                config.min_training_windows(), 2, previous.minTrainingWindows,
                "a whole number of at least 2");
        int maxWindows = (int) check.atLeast("max.training.windows",
                config.max_training_windows(), Math.max(minWindows, 2),
                previous.maxTrainingWindows, "a whole number of at least min.training.windows");
        double contamination = check.inRange("contamination", config.contamination(), 0, 0.5,
                previous.contamination, "a fraction in [0, 0.5]");
        double threshold = previous.threshold;
        if (Double.isNaN(config.threshold()) || Double.isFinite(config.threshold())) {
            threshold = config.threshold();
        } else {
            check.reject("threshold", config.threshold(), "a finite score, or NaN");
        }

        long retrain = check.atLeast("retrain.interval.s", config.retrain_interval_s(), 0,
                previous.retrainInterval.toSeconds(), "seconds, 0 to turn retraining off");
        Path dir = check.value("model.dir", config.model_dir(), previous.modelDir,
                "a folder path", text -> text.isBlank() ? null : Path.of(text));
        int trees = (int) check.atLeast("trees", config.trees(), 1, previous.trees,
                "a whole number of at least 1");
        int subsample = (int) check.atLeast("subsample.size", config.subsample_size(), 2,
                previous.subsampleSize, "a whole number of at least 2");

        double margin = previous.rangeMargin;
        if (Double.isFinite(config.range_margin())) {
            margin = config.range_margin();
        } else {
            check.reject("range.margin", config.range_margin(),
                    "a fraction of the training span, negative to turn the range guard off");
        }
        double nu = check.inRange("svm.nu", config.svm_nu(), Double.MIN_VALUE, 1,
                previous.svmNu, "a fraction in (0, 1]");
        double gamma = check.inRange("svm.gamma", config.svm_gamma(), 0, Double.MAX_VALUE,
                previous.svmGamma, "0 (meaning 1 / features) or more");
        int maxImages = (int) check.atLeast("max.images", config.max_images(), 1,
                previous.maxImages, "a whole number of at least 1");

        return new Settings(kind, Duration.ofSeconds(learning), minWindows, maxWindows,
                contamination, threshold, Duration.ofSeconds(retrain), dir, trees, subsample,
                margin, config.seed(), nu, gamma, maxImages, config.include_host());
    }

    /** Returns whether the alert threshold is set explicitly rather than from contamination. */
    boolean explicitThreshold() {
        return !Double.isNaN(threshold);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "model.type=%s learning.period.s=%d"
                + " min.training.windows=%d max.training.windows=%d contamination=%s threshold=%s"
                + " retrain.interval.s=%d model.dir=%s trees=%d subsample.size=%d range.margin=%s"
                + " seed=%d"
                + " svm.nu=%s svm.gamma=%s max.images=%d include.host=%s", modelKind.label(),
                learningPeriod.toSeconds(), minTrainingWindows, maxTrainingWindows, contamination,
                explicitThreshold() ? threshold : "from contamination",
                retrainInterval.toSeconds(), modelDir, trees, subsampleSize, rangeMargin, seed, svmNu,
                svmGamma, maxImages, includeHost);
    }

    /** Collects one error per invalid property. */
    private record Validator(List<String> errors) {

        long atLeast(String property, long value, long min, long previous, String expected) {
            if (value >= min) {
                return value;
            }
            reject(property, value, expected);
            return previous;
        }

        double inRange(String property, double value, double min, double max, double previous,
                String expected) {
            if (value >= min && value <= max) {
                return value;
            }
            reject(property, value, expected);
            return previous;
        }

        <T> T value(String property, String text, T previous, String expected,
                java.util.function.Function<String, T> parser) {
            T parsed = text == null ? null : parser.apply(text);
            if (parsed != null) {
                return parsed;
            }
            reject(property, text, expected);
            return previous;
        }

        void reject(String property, Object value, String expected) {
            errors.add("invalid configuration " + PID + ": " + property + "=" + value
                    + ", expected " + expected + "; keeping the previous value");
        }
    }
}
