package org.tarsier.detector.iforest.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.tarsier.api.Topics;
import org.tarsier.api.alert.Alert;
import org.tarsier.api.detector.Detector;
import org.tarsier.api.detector.DetectorStatus;
import org.tarsier.api.detector.Score;
import org.tarsier.api.feature.FeatureWindow;
import org.tarsier.api.log.RateLimiter;

/**
 * The Isolation Forest detector: one Tribuo anomaly model per image, trained on the image's
 * feature windows of a learning period, then scoring every window. A window whose score reaches
 * the threshold raises an alert on {@code org/tarsier/alert/iforest}; every score is posted on
 * {@code org/tarsier/score/iforest}. Models are saved in the model folder and loaded at start.
 */
@Component(
        configurationPid = Settings.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL,
        // Immediate, so saved models load and the start line is logged when the bundle starts,
        // not at the first feature window.
        immediate = true,
        service = {EventHandler.class, Detector.class, ModelManager.class},
        property = {
            EventConstants.EVENT_TOPIC + "=" + Topics.FEATURE_WINDOW,
            Detector.PROPERTY_NAME + "=" + IForestDetector.NAME})
@Designate(ocd = IForestDetector.Config.class)
public final class IForestDetector implements EventHandler, Detector, ModelManager {

    static final String NAME = "iforest";
    static final long DEFAULT_LEARNING_PERIOD_S = 600;
    static final int DEFAULT_MIN_TRAINING_WINDOWS = 32;
    static final int DEFAULT_MAX_TRAINING_WINDOWS = 4096;
    static final double DEFAULT_CONTAMINATION = 0.005;
    static final long DEFAULT_RETRAIN_INTERVAL_S = 86_400;
    static final String DEFAULT_MODEL_DIR = "var/models/iforest";
    static final double DEFAULT_RANGE_MARGIN = 0.5;
    static final long DEFAULT_SEED = 42;
    static final double DEFAULT_SVM_NU = 0.01;
    static final int DEFAULT_MAX_IMAGES = 512;

    private static final int TOP_FEATURES = 3;
    private static final int LAST_WINDOWS = 4096;

    /** Configuration of the Isolation Forest detector. */
    @ObjectClassDefinition(name = "Tarsier Isolation Forest detector",
            description = "Per-image anomaly models over per-container feature windows")
    public @interface Config {
        @AttributeDefinition(description = "Model kind: iforest (Isolation Forest) or ocsvm"
                + " (Tribuo's one-class SVM on standardized features)")
        String model_type() default "iforest";

        @AttributeDefinition(description = "Seconds of windows an image is learnt before its"
                + " first model is trained")
        long learning_period_s() default DEFAULT_LEARNING_PERIOD_S;

        @AttributeDefinition(description = "Windows an image needs before a model is trained")
        int min_training_windows() default DEFAULT_MIN_TRAINING_WINDOWS;

        @AttributeDefinition(description = "Most recent windows kept per image to train on")
        int max_training_windows() default DEFAULT_MAX_TRAINING_WINDOWS;

        @AttributeDefinition(description = "Expected fraction of anomalous training windows:"
                + " the threshold is the training score at quantile 1 - contamination")
        double contamination() default DEFAULT_CONTAMINATION;

        @AttributeDefinition(description = "Alert threshold on the anomaly score; NaN takes it"
                + " from contamination")
        double threshold() default Double.NaN;

        @AttributeDefinition(description = "Seconds after which a model is trained again on"
                + " the image's recent windows that did not alert; 0 turns retraining off")
        long retrain_interval_s() default DEFAULT_RETRAIN_INTERVAL_S;

        @AttributeDefinition(description = "Folder of the saved models, one file per image")
        String model_dir() default DEFAULT_MODEL_DIR;

        @AttributeDefinition(description = "Isolation Forest: number of trees")
        int trees() default IsolationForestTrainer.DEFAULT_TREES;

        @AttributeDefinition(description = "Isolation Forest: windows drawn to grow each tree")
        int subsample_size() default IsolationForestTrainer.DEFAULT_SUBSAMPLE_SIZE;

        @AttributeDefinition(description = "Isolation Forest range guard: a window with a"
                + " feature beyond the training range widened by this fraction of the range on"
                + " each side scores as if isolated by the first split; negative turns it off")
        double range_margin() default DEFAULT_RANGE_MARGIN;

        @AttributeDefinition(description = "Seed of the trainers' random number generators")
        long seed() default DEFAULT_SEED;

        @AttributeDefinition(description = "One-class SVM: nu, the bound on the fraction of"
                + " training windows outside the learnt region")
        double svm_nu() default DEFAULT_SVM_NU;

        @AttributeDefinition(description = "One-class SVM: RBF kernel gamma; 0 means"
                + " 1 / number of features")
        double svm_gamma() default 0;

        @AttributeDefinition(description = "Images with a model or in learning at most; windows"
                + " of further images are ignored and counted")
        int max_images() default DEFAULT_MAX_IMAGES;

        @AttributeDefinition(description = "Whether windows of processes outside containers"
                + " are learnt and scored as the image 'container:host'")
        boolean include_host() default false;
    }

    @Reference(service = LoggerFactory.class)
    private Logger logger;

    @Reference
    private EventAdmin eventAdmin;

    private final RateLimiter logLimiter = new RateLimiter(60_000);
    private final AtomicLong trainings = new AtomicLong();
    private final AtomicLong trainingFailures = new AtomicLong();
    private final Map<String, FeatureWindow> lastWindows = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, FeatureWindow> eldest) {
            return size() > LAST_WINDOWS;
        }
    };
    private volatile Settings settings = Settings.DEFAULTS;
    private volatile String lastError = "";
    private volatile Instant lastTraining;
    private ExecutorService trainingExecutor;
    private volatile ImageModels models;

    @Activate
    void activate(Config config) {
        settings = validate(config);
        trainingExecutor = Executors.newSingleThreadExecutor(
                Thread.ofPlatform().name("tarsier-iforest-training").daemon().factory());
        models = newImageModels();
        loadSavedModels();
        logger.info("iforest detector started: {}", settings);
    }

    @Modified
    void modified(Config config) {
        Settings previous = settings;
        settings = validate(config);
        if (settings.modelDir().equals(previous.modelDir())) {
            models.setSettings(settings);
        } else {
            // The models of the old folder belong to it: start over from the new folder.
            models = newImageModels();
            loadSavedModels();
        }
        logger.info("iforest detector reconfigured: {}", settings);
    }

    @Deactivate
    void deactivate() {
        trainingExecutor.shutdownNow();
        try {
            trainingExecutor.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        logger.info("iforest detector stopped: {} models trained, {} windows scored",
                models.modelsTrained(), models.windowsScored());
    }

    private ImageModels newImageModels() {
        return new ImageModels(settings, new ModelStore(settings.modelDir()), trainingExecutor,
                new TrainingLog());
    }

    private Settings validate(Config config) {
        List<String> errors = new ArrayList<>();
        Settings valid = Settings.of(config, settings, errors);
        errors.forEach(logger::error);
        return valid;
    }

    private void loadSavedModels() {
        try {
            Map<Path, String> problems = models.loadSaved();
            problems.forEach((file, problem) ->
                    logger.warn("model file {} not loaded, its image is learnt again: {}",
                            file, problem));
            logger.info("loaded {} saved models from {}", models.modelsTrained(),
                    settings.modelDir().toAbsolutePath());
        } catch (IOException e) {
            logger.error("failed to list saved models in {}; images are learnt again",
                    settings.modelDir().toAbsolutePath(), e);
        }
    }

    @Override
    public void handleEvent(Event event) {
        if (!(event.getProperty(Topics.PROPERTY_FEATURES) instanceof FeatureWindow window)) {
            return;
        }
        synchronized (lastWindows) {
            lastWindows.put(window.container().id(), window);
        }
        ImageModels.Outcome outcome;
        try {
            outcome = models.accept(window);
        } catch (RuntimeException e) {
            if (logLimiter.permit("score")) {
                logger.warn("failed to score window of container {} (image {}) ending {} ({}"
                        + " suppressed)", window.container().id(),
                        ImageModels.imageKey(window.container()), window.end(),
                        logLimiter.suppressed("score"), e);
            }
            return;
        }
        if (!outcome.scored()) {
            return;
        }
        post(Topics.scoreTopic(NAME), Topics.PROPERTY_SCORE, new Score(NAME,
                outcome.model().model().getName(), window.container(), window.end(),
                outcome.score(), outcome.threshold()), window);
        if (outcome.anomalous()) {
            post(Topics.alertTopic(NAME), Topics.PROPERTY_ALERT, alert(window, outcome), window);
        }
    }

    private void post(String topic, String property, Object value, FeatureWindow window) {
        eventAdmin.postEvent(new Event(topic, Map.of(property, value,
                Topics.PROPERTY_CONTAINER_ID, window.container().id())));
    }

    private Alert alert(FeatureWindow window, ImageModels.Outcome outcome) {
        return AnomalyAlerts.of(NAME, window, outcome,
                outcome.model().topFeatures(window, TOP_FEATURES));
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return settings.modelKind().label() + " model per image over feature windows";
    }

    @Override
    public DetectorStatus status() {
        return new DetectorStatus(0, trainings.get(), trainingFailures.get(), lastError,
                lastTraining, Map.of(
                        "models_trained", (double) models.modelsTrained(),
                        "models_learning", (double) models.modelsLearning(),
                        "windows_scored", (double) models.windowsScored(),
                        "windows_ignored", (double) models.ignoredWindows()));
    }

    @Override
    public List<String> describeModels() {
        return ModelReports.describe(models, settings);
    }

    @Override
    public String train(String image) {
        ImageState state = models.state(image);
        if (state == null) {
            return "no windows seen for image '" + image + "'; see model:list";
        }
        if (state.windowCount() < 2) {
            return "image '" + image + "' has " + state.windowCount() + " windows; at least 2"
                    + " are needed to train";
        }
        try {
            TrainedModel model = models.trainNow(state);
            return String.format(Locale.ROOT, "trained %s for %s on %d windows in %d ms,"
                    + " threshold %.4f", model.kind().label(), image, model.trainingWindows(),
                    model.trainingMillis(), models.threshold(model));
        } catch (RuntimeException e) {
            return "training " + image + " failed, the previous model stays: " + e.getMessage();
        }
    }

    @Override
    public String score(String container) {
        FeatureWindow window = findLastWindow(container);
        if (window == null) {
            return "no window seen for container '" + container + "'; give a name, id or id"
                    + " prefix of a running container";
        }
        return ModelReports.score(models, window, TOP_FEATURES);
    }

    @Override
    public String export(String image, String file) {
        ImageState state = models.state(image);
        if (state == null) {
            return "no windows seen for image '" + image + "'; see model:list";
        }
        List<FeatureWindow> windows = state.windows();
        try {
            WindowCsv.write(Path.of(file), windows);
        } catch (IOException | RuntimeException e) {
            logger.warn("failed to export the windows of image {} to {}", image, file, e);
            return "export of " + image + " to " + file + " failed: " + e;
        }
        return "wrote " + windows.size() + " windows of " + image + " to " + file;
    }

    private FeatureWindow findLastWindow(String container) {
        synchronized (lastWindows) {
            for (FeatureWindow window : lastWindows.values()) {
                var info = window.container();
                if (info.name().equals(container) || info.id().equals(container)
                        || (container.length() >= 4 && info.id().startsWith(container))) {
                    return window;
                }
            }
        }
        return null;
    }

    /** Logs every training and keeps the counters of the detector status. */
    private final class TrainingLog implements ImageModels.Listener {

        @Override
        public void trained(TrainedModel model, IOException saveError) {
            trainings.incrementAndGet();
            lastTraining = model.trainedAt();
            lastError = "";
            logger.info("trained {} model for image {}: {} windows, {} features, {} ms,"
                    + " threshold {}", model.kind().label(), model.image(),
                    model.trainingWindows(), model.featureCount(), model.trainingMillis(),
                    models.threshold(model));
            if (saveError != null) {
                logger.error("failed to save the model of image {} to {}; it is used but will"
                        + " be learnt again after a restart", model.image(),
                        settings.modelDir().toAbsolutePath(), saveError);
            }
        }

        @Override
        public void failed(String image, int windows, RuntimeException error) {
            trainingFailures.incrementAndGet();
            lastError = "training " + image + " failed: " + error;
            logger.error("failed to train the model of image {} on {} windows; the previous"
                    + " model, if any, stays", image, windows, error);
        }
    }
}
