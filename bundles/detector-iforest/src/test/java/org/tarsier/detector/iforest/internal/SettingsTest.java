package org.tarsier.detector.iforest.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.annotation.Annotation;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class SettingsTest {

    @Test
    void defaultsAreValid() {
        List<String> errors = new ArrayList<>();

        Settings settings = Settings.of(new TestConfig(), Settings.DEFAULTS, errors);

        assertEquals(List.of(), errors);
        assertEquals(ModelKind.IFOREST, settings.modelKind());
        assertEquals(Duration.ofMinutes(10), settings.learningPeriod());
        assertEquals(false, settings.explicitThreshold());
    }

    @Test
    void invalidValuesKeepPreviousOnes() {
        TestConfig config = new TestConfig();
        config.modelType = "forest";
        config.contamination = 0.7;
        config.trees = 0;
        List<String> errors = new ArrayList<>();

        Settings settings = Settings.of(config, Settings.DEFAULTS, errors);

        assertEquals(3, errors.size(), "errors " + errors);
        assertTrue(errors.get(0).contains("org.tarsier.detector.iforest: model.type=forest"),
                errors.get(0));
        assertTrue(errors.get(0).contains("iforest, ocsvm"), errors.get(0));
        assertEquals(ModelKind.IFOREST, settings.modelKind());
        assertEquals(Settings.DEFAULTS.contamination(), settings.contamination());
        assertEquals(Settings.DEFAULTS.trees(), settings.trees());
    }

    @Test
    void explicitThresholdAndSvmAreAccepted() {
        TestConfig config = new TestConfig();
        config.modelType = " OCSVM ";
        config.threshold = 0.7;
        config.modelDir = "/tmp/models";
        List<String> errors = new ArrayList<>();

        Settings settings = Settings.of(config, Settings.DEFAULTS, errors);

        assertEquals(List.of(), errors);
        assertEquals(ModelKind.OCSVM, settings.modelKind());
        assertEquals(0.7, settings.threshold());
        assertTrue(settings.explicitThreshold());
        assertEquals(Path.of("/tmp/models"), settings.modelDir());
    }

    /** A configuration with the metatype defaults, fields changeable per test. */
    @SuppressWarnings("all")
    private static final class TestConfig implements IForestDetector.Config {
        String modelType = "iforest";
        double contamination = IForestDetector.DEFAULT_CONTAMINATION;
        double threshold = Double.NaN;
        int trees = 100;
        String modelDir = IForestDetector.DEFAULT_MODEL_DIR;

        @Override public Class<? extends Annotation> annotationType() {
            return IForestDetector.Config.class;
        }
        @Override public String model_type() { return modelType; }
        @Override public long learning_period_s() { return 600; }
        @Override public int min_training_windows() { return 32; }
        @Override public int max_training_windows() { return 4096; }
        @Override public double contamination() { return contamination; }
        @Override public double threshold() { return threshold; }
        @Override public long retrain_interval_s() { return 86_400; }
        @Override public String model_dir() { return modelDir; }
        @Override public int trees() { return trees; }
        @Override public int subsample_size() { return 256; }
        @Override public double range_margin() { return 0.5; }
        @Override public long seed() { return 42; }
        @Override public double svm_nu() { return 0.01; }
        @Override public double svm_gamma() { return 0; }
        @Override public int max_images() { return 512; }
        @Override public boolean include_host() { return false; }
    }
}
