package org.tarsier.detector.iforest.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tarsier.api.container.ContainerInfo;
import org.tarsier.api.feature.FeatureWindow;

class ImageModelsTest {

    private static final List<String> NAMES = List.of("syscalls", "execs", "forks",
            "file_writes", "connects", "never_seen");
    private static final ContainerInfo WEB = new ContainerInfo("docker", "a".repeat(64), "web",
            "nginx:1.25", Map.of(), "", "", "");
    private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

    @TempDir
    Path modelDir;

    private final List<TrainedModel> trained = new ArrayList<>();
    private final List<String> failures = new ArrayList<>();

    @Test
    void learnsDuringLearningPeriodOnly() {
        ImageModels models = models(settings(ModelKind.IFOREST, 60));
        Random random = new Random(1);
        for (int i = 0; i < 11; i++) {
            assertFalse(models.accept(normalWindow(random, i)).scored(), "window " + i);
        }

        assertNull(models.state("nginx:1.25").model(), "model before 60 s of windows");
        assertTrue(trained.isEmpty(), "trainings " + trained.size());
        assertEquals(1, models.modelsLearning());
    }

    @Test
    void trainsAfterLearningAndAlertsOnBurst() {
        ImageModels models = models(settings(ModelKind.IFOREST, 995));
        learn(models, 200);

        assertEquals(1, trained.size(), "trainings");
        ImageModels.Outcome normal = models.accept(normalWindow(new Random(99), 300));
        ImageModels.Outcome burst = models.accept(window(300, 5000, 1, 400, 12, 9, 0));

        assertTrue(normal.scored(), "normal window scored");
        assertFalse(normal.anomalous(), "normal window score " + normal.score()
                + " threshold " + normal.threshold());
        assertTrue(burst.anomalous(), "fork burst score " + burst.score()
                + " threshold " + burst.threshold());
        assertEquals(2, models.windowsScored());
    }

    @Test
    void topFeaturesNameTheBurst() {
        ImageModels models = models(settings(ModelKind.IFOREST, 995));
        learn(models, 200);
        FeatureWindow burst = window(300, 5000, 1, 400, 12, 9, 0);

        List<String> top = models.state("nginx:1.25").model().topFeatures(burst, 3);

        assertTrue(top.get(0).startsWith("forks=400"), "top features " + top);
    }

    @Test
    void featureAlwaysZeroInTrainingIsKnown() {
        ImageModels models = models(settings(ModelKind.IFOREST, 995));
        learn(models, 200);

        assertEquals(NAMES.size(), models.state("nginx:1.25").model().featureCount());
    }

    @Test
    void savedModelLoadsWithSameScores() throws IOException {
        ImageModels models = models(settings(ModelKind.IFOREST, 995));
        learn(models, 200);
        FeatureWindow probe = window(300, 5200, 3, 1, 12, 9, 0);
        double before = models.state("nginx:1.25").model().score(probe);

        ImageModels restarted = models(settings(ModelKind.IFOREST, 995));
        Map<Path, String> problems = restarted.loadSaved();

        assertTrue(problems.isEmpty(), "problems " + problems);
        TrainedModel loaded = restarted.state("nginx:1.25").model();
        assertNotNull(loaded, "loaded model");
        assertEquals(before, loaded.score(probe), 0.0);
        assertEquals(200, loaded.trainingWindows());
    }

    @Test
    void corruptModelFileIsReported() throws IOException {
        Files.writeString(modelDir.resolve("broken.model"), "not a model");
        ImageModels models = models(settings(ModelKind.IFOREST, 995));

        Map<Path, String> problems = models.loadSaved();

        assertEquals(1, problems.size(), "problems " + problems);
        assertEquals(0, models.modelsTrained());
    }

    @Test
    void oneClassSvmScoresBurstAboveNormal() {
        ImageModels models = models(settings(ModelKind.OCSVM, 995));
        learn(models, 200);

        assertTrue(failures.isEmpty(), "failures " + failures);
        ImageModels.Outcome normal = models.accept(normalWindow(new Random(98), 300));
        ImageModels.Outcome burst = models.accept(window(300, 5000, 1, 400, 12, 9, 0));
        assertTrue(burst.score() > normal.score(), "burst " + burst.score() + " normal "
                + normal.score());
        assertTrue(burst.anomalous(), "burst score " + burst.score() + " threshold "
                + burst.threshold());
    }

    @Test
    void hostWindowsAreIgnoredByDefault() {
        ImageModels models = models(settings(ModelKind.IFOREST, 995));
        FeatureWindow host = new FeatureWindow(ContainerInfo.HOST_INFO, START,
                START.plusSeconds(5), NAMES, new double[NAMES.size()]);

        models.accept(host);

        assertTrue(models.states().isEmpty(), "images " + models.states());
    }

    @Test
    void explicitThresholdOverridesContamination() {
        ImageModels models = models(settings(ModelKind.IFOREST, 995));
        learn(models, 200);
        models.setSettings(withThreshold(settings(ModelKind.IFOREST, 995), 0.99));

        ImageModels.Outcome burst = models.accept(window(300, 5000, 1, 400, 12, 9, 0));

        assertEquals(0.99, burst.threshold());
        assertFalse(burst.anomalous(), "score " + burst.score());
    }

    private void learn(ImageModels models, int windows) {
        Random random = new Random(7);
        for (int i = 0; i < windows; i++) {
            models.accept(normalWindow(random, i));
        }
    }

    private ImageModels models(Settings settings) {
        return new ImageModels(settings, new ModelStore(modelDir), Runnable::run,
                new ImageModels.Listener() {
                    @Override
                    public void trained(TrainedModel model, IOException saveError) {
                        trained.add(model);
                        if (saveError != null) {
                            failures.add(saveError.toString());
                        }
                    }

                    @Override
                    public void failed(String image, int windows, RuntimeException error) {
                        failures.add(image + ": " + error);
                    }
                });
    }

    private static FeatureWindow normalWindow(Random random, int index) {
        return window(index, 5000 + 200 * random.nextGaussian(), random.nextInt(3),
                random.nextInt(3), 10 + random.nextInt(5), 8 + random.nextInt(4), 0);
    }

    private static FeatureWindow window(int index, double... values) {
        Instant start = START.plusSeconds(5L * index);
        return new FeatureWindow(WEB, start, start.plusSeconds(5), NAMES, values);
    }

    private Settings settings(ModelKind kind, long learningSeconds) {
        Settings defaults = Settings.DEFAULTS;
        return new Settings(kind, Duration.ofSeconds(learningSeconds), 32, 4096,
                defaults.contamination(), Double.NaN, Duration.ZERO, modelDir, 100, 256, 0.5, 42,
                0.01, 0, 16, false);
    }

    private static Settings withThreshold(Settings s, double threshold) {
        return new Settings(s.modelKind(), s.learningPeriod(), s.minTrainingWindows(),
                s.maxTrainingWindows(), s.contamination(), threshold, s.retrainInterval(),
                s.modelDir(), s.trees(), s.subsampleSize(), s.rangeMargin(), s.seed(), s.svmNu(), s.svmGamma(),
                s.maxImages(), s.includeHost());
    }
}
