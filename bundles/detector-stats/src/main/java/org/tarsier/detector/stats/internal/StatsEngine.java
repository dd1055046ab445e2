package org.tarsier.detector.stats.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

import org.tarsier.api.alert.Alert;
import org.tarsier.api.detector.Score;
import org.tarsier.api.feature.FeatureWindow;

/**
 * Scores feature windows against per-container baselines and decides which deviations raise an
 * alert. The features of one container that raise an alert in the same window share one alert,
 * led by the highest score, because one incident usually moves several features at once. A container is forgotten when its windows stop for {@link #FORGET_AFTER_WINDOWS}
 * window lengths; its baselines then stay available to the next container of its image.
 *
 * <p>Not thread-safe: the detector calls it under one lock.
 */
final class StatsEngine {

    /** Missing windows after which a container counts as stopped. */
    static final int FORGET_AFTER_WINDOWS = 3;

    private Settings settings;
    private final Map<String, ContainerModel> containers = new HashMap<>();
    private final Map<String, ImageBaseline> images;
    private final Map<String, Long> lastAlertMillis = new HashMap<>();
    private final Map<String, Long> suppressedByKey = new HashMap<>();
    private Duration windowLength;
    private long suppressed;
    private long alertsPosted;
    private long windowsScored;
    private long containersRejected;

    StatsEngine(Settings settings) {
        this.settings = settings;
        this.images = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, ImageBaseline> eldest) {
                return size() > StatsEngine.this.settings.maxImages();
            }
        };
    }

    /**
     * Applies new settings. A new history length or warm-up drops every baseline, because the
     * histories no longer match them; other changes keep what was learnt.
     */
    void reconfigure(Settings next) {
        boolean relearn = next.historyWindows() != settings.historyWindows()
                || next.warmupWindows() != settings.warmupWindows();
        settings = next;
        if (relearn) {
            reset();
        }
    }

    /** Scores one window, learns from it, and returns the score and the alerts it raises. */
    Outcome process(FeatureWindow window) {
        Duration length = Duration.between(window.start(), window.end());
        if (!length.equals(windowLength)) {
            // Amounts per window change unit with the window length: start learning again.
            reset();
            windowLength = length;
        }
        forgetStopped(window.end());
        ContainerModel model = model(window);
        if (model == null) {
            return Outcome.NONE;
        }
        model.setLastWindowEnd(window.end());
        double[] values = window.values();
        if (!model.scoring(settings.warmupWindows())) {
            model.learn(values);
            return Outcome.NONE;
        }
        Outcome outcome = score(model, window, values);
        model.learn(values);
        return outcome;
    }

    int containersTracked() {
        return containers.size();
    }

    int baselinesWarm() {
        int warm = 0;
        for (ContainerModel model : containers.values()) {
            warm += model.warm(settings.warmupWindows()) ? 1 : 0;
        }
        return warm;
    }

    int imagesKnown() {
        return images.size();
    }

    long suppressed() {
        return suppressed;
    }

    long alertsPosted() {
        return alertsPosted;
    }

    long windowsScored() {
        return windowsScored;
    }

    long containersRejected() {
        return containersRejected;
    }

    private Outcome score(ContainerModel model, FeatureWindow window, double[] values) {
        windowsScored++;
        List<String> names = model.names();
        List<Finding> findings = new ArrayList<>();
        int maxFeature = 0;
        double maxScore = 0;
        for (int i = 0; i < names.size(); i++) {
            if (settings.excluded().contains(names.get(i))) {
                continue;
            }
            Deviation deviation = deviation(model.baseline(i), names.get(i), values[i]);
            if (deviation.score() > maxScore) {
                maxScore = deviation.score();
                maxFeature = i;
            }
            int streak = model.recordDeviation(i, deviation.score() >= settings.threshold());
            boolean sustained = streak >= settings.consecutive();
            boolean extreme = settings.immediate() > 0 && deviation.score() >= settings.immediate();
            if ((sustained || extreme) && model.markAlerted(i)) {
                OptionalLong suppressedBefore = permit(model, window, deviation.feature());
                if (suppressedBefore.isPresent()) {
                    findings.add(new Finding(deviation, streak, suppressedBefore.getAsLong()));
                }
            }
        }
        Score score = new Score(StatsDetector.NAME, names.get(maxFeature), model.info(),
                window.end(), maxScore, settings.threshold());
        if (findings.isEmpty()) {
            return new Outcome(score, List.of());
        }
        alertsPosted++;
        findings.sort(Comparator.comparingDouble((Finding f) -> f.deviation().score()).reversed());
        return new Outcome(score, List.of(AlertFactory.alert(model, window, findings, settings)));
    }

    /** Returns the deviation of a value from a feature's baseline. */
    Deviation deviation(RobustBaseline baseline, String feature, double value) {
        double median = baseline.median();
        double scale = Math.max(baseline.scale(), Math.max(settings.scaleMin(feature),
                settings.scaleRelative() * Math.abs(median)));
        double distance = settings.bothDirections() ? Math.abs(value - median) : value - median;
        return new Deviation(feature, value, median, scale, Math.max(0, distance / scale));
    }

    /**
     * Applies the alert interval of a container and feature: returns the number of alerts held
     * back since the last one, or empty when this one is held back too.
     */
    private OptionalLong permit(ContainerModel model, FeatureWindow window, String feature) {
        String key = model.info().id() + "/" + feature;
        long now = window.end().toEpochMilli();
        Long last = lastAlertMillis.get(key);
        if (last != null && now - last < settings.alertIntervalMillis()) {
            suppressed++;
            suppressedByKey.merge(key, 1L, Long::sum);
            return OptionalLong.empty();
        }
        lastAlertMillis.put(key, now);
        Long suppressedBefore = suppressedByKey.remove(key);
        return OptionalLong.of(suppressedBefore == null ? 0 : suppressedBefore);
    }

    private ContainerModel model(FeatureWindow window) {
        String id = window.container().id();
        ContainerModel model = containers.get(id);
        if (model != null && !model.names().equals(window.names())) {
            // The extractor's schema changed: the old baselines describe other features.
            forget(id, false);
            model = null;
        }
        if (model != null) {
            model.setInfo(window.container());
            return model;
        }
        if (containers.size() >= settings.maxContainers()) {
            containersRejected++;
            return null;
        }
        model = startFromImage(window);
        containers.put(id, model);
        return model;
    }

    /** Starts a new container from a warm container of its image, or from the image's store. */
    private ContainerModel startFromImage(FeatureWindow window) {
        String image = window.container().image();
        if (!image.isEmpty()) {
            ImageBaseline source = warmSibling(image, window.names());
            if (source == null) {
                source = images.get(image);
            }
            if (source != null && source.names().equals(window.names())) {
                return ContainerModel.startedFrom(window.container(), source,
                        settings.startGraceWindows());
            }
        }
        return new ContainerModel(window.container(), window.names(), settings.historyWindows());
    }

    private ImageBaseline warmSibling(String image, List<String> names) {
        ContainerModel best = null;
        for (ContainerModel model : containers.values()) {
            if (model.info().image().equals(image) && model.names().equals(names)
                    && model.warm(settings.warmupWindows())
                    && (best == null || model.learnedWindows() > best.learnedWindows())) {
                best = model;
            }
        }
        return best == null ? null : best.snapshot();
    }

    private void forgetStopped(Instant now) {
        Instant cutoff = now.minus(windowLength.multipliedBy(FORGET_AFTER_WINDOWS));
        Iterator<Map.Entry<String, ContainerModel>> entries = containers.entrySet().iterator();
        List<String> stopped = new ArrayList<>();
        while (entries.hasNext()) {
            Map.Entry<String, ContainerModel> entry = entries.next();
            if (entry.getValue().lastWindowEnd().isBefore(cutoff)) {
                stopped.add(entry.getKey());
            }
        }
        stopped.forEach(id -> forget(id, true));
    }

    /** Forgets a container; keeps its baselines for its image when they are warm. */
    private void forget(String id, boolean keepForImage) {
        ContainerModel model = containers.remove(id);
        String prefix = id + "/";
        lastAlertMillis.keySet().removeIf(key -> key.startsWith(prefix));
        suppressedByKey.keySet().removeIf(key -> key.startsWith(prefix));
        if (keepForImage && model != null && !model.info().image().isEmpty()
                && model.warm(settings.warmupWindows())) {
            images.put(model.info().image(), model.snapshot());
        }
    }

    private void reset() {
        containers.clear();
        images.clear();
        lastAlertMillis.clear();
        suppressedByKey.clear();
    }

    /** A feature's value compared with its baseline. */
    record Deviation(String feature, double observed, double baseline, double scale,
            double score) {
    }

    /**
     * A deviation that raises an alert.
     *
     * @param streak deviating windows in a row, this one included
     * @param suppressedBefore alerts of the container and feature held back since the last one
     */
    record Finding(Deviation deviation, int streak, long suppressedBefore) {
    }

    /**
     * The score and alerts of one window.
     *
     * @param score the window's highest feature score, or null while the container learns
     * @param alerts alerts to post, possibly none
     */
    record Outcome(Score score, List<Alert> alerts) {
        static final Outcome NONE = new Outcome(null, List.of());
    }
}
