package org.tarsier.detector.stats.internal;

import java.time.Instant;
import java.util.List;
import java.util.Map;

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
import org.tarsier.api.feature.FeatureWindow;
import org.tarsier.api.log.RateLimiter;

/**
 * The statistical detector: keeps a robust baseline per container and feature, scores every
 * feature window against it, and posts an alert on {@code org/tarsier/alert/stats} when a
 * feature deviates for long enough, and the window's highest score on
 * {@code org/tarsier/score/stats}.
 */
@Component(
        configurationPid = Settings.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL,
        service = {EventHandler.class, Detector.class},
        property = {
            EventConstants.EVENT_TOPIC + "=" + Topics.FEATURE_WINDOW,
            Detector.PROPERTY_NAME + "=" + StatsDetector.NAME
        })
@Designate(ocd = StatsDetector.Config.class)
public final class StatsDetector implements EventHandler, Detector {

    static final String NAME = "stats";
    static final int DEFAULT_WARMUP_WINDOWS = 24;
    static final int DEFAULT_HISTORY_WINDOWS = 120;
    static final double DEFAULT_THRESHOLD = 6;
    static final int DEFAULT_CONSECUTIVE = 2;
    static final double DEFAULT_IMMEDIATE = 20;
    static final double DEFAULT_SCALE_MIN = 1;
    static final String[] DEFAULT_FEATURE_SCALES = {"exec_binaries_new=0.05",
        "cpu_user_ms=10", "cpu_system_ms=10", "tcp_bytes_sent=4096", "tcp_bytes_received=4096"};
    static final double DEFAULT_SCALE_RELATIVE = 0.1;
    static final int DEFAULT_START_GRACE = 2;
    static final long DEFAULT_ALERT_INTERVAL_MS = 60_000;
    static final int DEFAULT_MAX_CONTAINERS = 1_024;
    static final int DEFAULT_MAX_IMAGES = 256;

    private static final String ALERT_TOPIC = Topics.alertTopic(NAME);
    private static final String SCORE_TOPIC = Topics.scoreTopic(NAME);

    /** Configuration of the statistical detector. */
    @ObjectClassDefinition(name = "Tarsier statistical detector",
            description = "Robust per-container baselines of feature windows")
    public @interface Config {
        @AttributeDefinition(description = "Windows a container's baselines learn before its"
                + " windows are scored")
        int warmup_windows() default DEFAULT_WARMUP_WINDOWS;

        @AttributeDefinition(description = "Windows in each feature's sliding history, at least 3")
        int history_windows() default DEFAULT_HISTORY_WINDOWS;

        @AttributeDefinition(description = "Score (deviation from the median in robust standard"
                + " deviations) at and above which a window deviates")
        double score_threshold() default DEFAULT_THRESHOLD;

        @AttributeDefinition(description = "Deviating windows in a row that raise an alert")
        int windows_consecutive() default DEFAULT_CONSECUTIVE;

        @AttributeDefinition(description = "Score that raises an alert from a single window;"
                + " 0 turns this off")
        double score_immediate() default DEFAULT_IMMEDIATE;

        @AttributeDefinition(description = "Smallest scale, in the feature's unit per window")
        double scale_min() default DEFAULT_SCALE_MIN;

        @AttributeDefinition(description = "Smallest scale of single features, as feature=scale")
        String[] scale_min_features() default {"exec_binaries_new=0.05", "cpu_user_ms=10",
            "cpu_system_ms=10", "tcp_bytes_sent=4096", "tcp_bytes_received=4096"};

        @AttributeDefinition(description = "Smallest scale as a fraction of the baseline median")
        double scale_relative() default DEFAULT_SCALE_RELATIVE;

        @AttributeDefinition(description = "up: only values above the baseline deviate; both:"
                + " values below it too")
        String direction() default "up";

        @AttributeDefinition(description = "Windows of a container started from its image's"
                + " baseline that are learnt but not scored")
        int start_grace_windows() default DEFAULT_START_GRACE;

        @AttributeDefinition(description = "Milliseconds between two alerts of one container"
                + " and feature; 0 for no limit")
        long alert_interval_ms() default DEFAULT_ALERT_INTERVAL_MS;

        @AttributeDefinition(description = "Falco priority of the alerts")
        String priority() default "warning";

        @AttributeDefinition(description = "Features never scored")
        String[] features_excluded() default {};

        @AttributeDefinition(description = "Containers tracked at once")
        int max_containers() default DEFAULT_MAX_CONTAINERS;

        @AttributeDefinition(description = "Images whose baselines are kept for their next"
                + " container")
        int max_images() default DEFAULT_MAX_IMAGES;
    }

    @Reference(service = LoggerFactory.class)
    private Logger logger;

    @Reference
    private EventAdmin eventAdmin;

    private final RateLimiter logLimiter = new RateLimiter(60_000);
    private final Object lock = new Object();
    private Settings settings = Settings.DEFAULTS;
    private StatsEngine engine;
    private long reloads;
    private long reloadErrors;
    private String lastError = "";
    private Instant lastReload;

    @Activate
    void activate(Config config) {
        List<String> errors = validate(config);
        synchronized (lock) {
            engine = new StatsEngine(settings);
            recordReload(errors);
        }
        logger.info("statistical detector started: {}", describe(settings));
    }

    @Modified
    void modified(Config config) {
        List<String> errors = validate(config);
        synchronized (lock) {
            engine.reconfigure(settings);
            recordReload(errors);
        }
        logger.info("statistical detector configured: {}", describe(settings));
    }

    @Deactivate
    void deactivate() {
        synchronized (lock) {
            logger.info("statistical detector stopped: {} windows scored, {} alerts posted,"
                    + " {} suppressed, {} containers rejected", engine.windowsScored(),
                    engine.alertsPosted(), engine.suppressed(), engine.containersRejected());
        }
    }

    @Override
    public void handleEvent(Event event) {
        if (!(event.getProperty(Topics.PROPERTY_FEATURES) instanceof FeatureWindow window)) {
            return;
        }
        StatsEngine.Outcome outcome;
        try {
            synchronized (lock) {
                outcome = engine.process(window);
            }
        } catch (RuntimeException e) {
            if (logLimiter.permit("score")) {
                logger.warn("failed to score the window of container {} ending {} ({}"
                        + " suppressed)", window.container().id(), window.end(),
                        logLimiter.suppressed("score"), e);
            }
            return;
        }
        post(outcome, window);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "robust per-container baselines (median and MAD) of feature windows";
    }

    @Override
    public DetectorStatus status() {
        synchronized (lock) {
            Map<String, Double> gauges = Map.of(
                    "containers_tracked", (double) engine.containersTracked(),
                    "baselines_warm", (double) engine.baselinesWarm(),
                    "images_known", (double) engine.imagesKnown(),
                    "windows_scored", (double) engine.windowsScored(),
                    "alerts_posted", (double) engine.alertsPosted());
            return new DetectorStatus(engine.suppressed(), reloads, reloadErrors, lastError,
                    lastReload, gauges);
        }
    }

    private void post(StatsEngine.Outcome outcome, FeatureWindow window) {
        String containerId = window.container().id();
        if (outcome.score() != null) {
            eventAdmin.postEvent(new Event(SCORE_TOPIC, Map.of(
                    Topics.PROPERTY_SCORE, outcome.score(),
                    Topics.PROPERTY_CONTAINER_ID, containerId)));
        }
        for (Alert alert : outcome.alerts()) {
            eventAdmin.postEvent(new Event(ALERT_TOPIC, Map.of(
                    Topics.PROPERTY_ALERT, alert,
                    Topics.PROPERTY_CONTAINER_ID, containerId)));
        }
    }

    private List<String> validate(Config config) {
        List<String> errors = Settings.newErrors();
        settings = Settings.of(config, settings, errors);
        errors.forEach(logger::error);
        return errors;
    }

    private void recordReload(List<String> errors) {
        if (errors.isEmpty()) {
            reloads++;
            lastError = "";
            lastReload = Instant.now();
        } else {
            reloadErrors++;
            lastError = errors.get(errors.size() - 1);
        }
    }

    private static String describe(Settings settings) {
        return "warmup.windows=" + settings.warmupWindows() + " history.windows="
                + settings.historyWindows() + " score.threshold=" + settings.threshold()
                + " windows.consecutive=" + settings.consecutive() + " score.immediate="
                + settings.immediate() + " scale.min=" + settings.scaleMin()
                + " scale.min.features=" + settings.scaleMinByFeature() + " scale.relative="
                + settings.scaleRelative() + " direction="
                + (settings.bothDirections() ? "both" : "up") + " start.grace.windows="
                + settings.startGraceWindows() + " alert.interval.ms="
                + settings.alertIntervalMillis() + " priority=" + settings.priority().falcoName()
                + " features.excluded=" + settings.excluded() + " max.containers="
                + settings.maxContainers() + " max.images=" + settings.maxImages();
    }
}
