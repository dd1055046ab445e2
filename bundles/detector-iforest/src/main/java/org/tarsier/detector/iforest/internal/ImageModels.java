package org.tarsier.detector.iforest.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;

import org.tarsier.api.container.ContainerInfo;
import org.tarsier.api.feature.FeatureWindow;

/**
 * The per-image models of the detector, without OSGi: learns each image's windows until its
 * learning period is over, trains on an executor, scores every later window, retrains on
 * schedule, and saves each trained model to the store.
 */
final class ImageModels {

    /** Receives the outcome of every training. */
    interface Listener {
        void trained(TrainedModel model, IOException saveError);

        void failed(String image, int windows, RuntimeException error);
    }

    /**
     * The outcome of one window.
     *
     * @param model the model that scored it, or null while the image is learning or when the
     *     window was ignored
     */
    record Outcome(String image, TrainedModel model, double score, double threshold,
            boolean anomalous) {

        boolean scored() {
            return model != null;
        }
    }

    private final Map<String, ImageState> images = new ConcurrentHashMap<>();
    private final ModelStore store;
    private final Executor trainingExecutor;
    private final Listener listener;
    private final AtomicLong windowsScored = new AtomicLong();
    private final AtomicLong ignoredWindows = new AtomicLong();
    private volatile Settings settings;

    ImageModels(Settings settings, ModelStore store, Executor trainingExecutor,
            Listener listener) {
        this.settings = settings;
        this.store = store;
        this.trainingExecutor = trainingExecutor;
        this.listener = listener;
    }

    void setSettings(Settings settings) {
        this.settings = settings;
    }

    /** Returns the key of the container's model: its image, or its id when that is unknown. */
    static String imageKey(ContainerInfo container) {
        return container.image().isEmpty() ? "container:" + container.id() : container.image();
    }

    /**
     * Loads every model file of the configured kind and returns the files that failed, with
     * their errors, and those of another kind.
     */
    Map<Path, String> loadSaved() throws IOException {
        Map<Path, String> problems = new ConcurrentHashMap<>();
        for (Path file : store.files()) {
            try {
                TrainedModel model = store.load(file);
                if (model.kind() != settings.modelKind()) {
                    problems.put(file, "model kind " + model.kind().label() + " is not the"
                            + " configured " + settings.modelKind().label());
                    continue;
                }
                images.put(model.image(), new ImageState(model));
            } catch (IOException | RuntimeException e) {
                problems.put(file, e.toString());
            }
        }
        return problems;
    }

    /** Learns or scores one window; never blocks on training. */
    Outcome accept(FeatureWindow window) {
        Settings current = settings;
        String image = imageKey(window.container());
        if (window.container().isHost() && !current.includeHost()) {
            return new Outcome(image, null, Double.NaN, Double.NaN, false);
        }
        ImageState state = images.get(image);
        if (state == null) {
            if (images.size() >= current.maxImages()) {
                ignoredWindows.incrementAndGet();
                return new Outcome(image, null, Double.NaN, Double.NaN, false);
            }
            state = images.computeIfAbsent(image, ImageState::new);
        }
        TrainedModel model = state.model();
        if (model == null) {
            state.addWindow(window, current.maxTrainingWindows());
            if (state.learningComplete(window.end(), current.learningPeriod(),
                    current.minTrainingWindows())) {
                startTraining(state);
            }
            return new Outcome(image, null, Double.NaN, Double.NaN, false);
        }
        return score(state, model, window, current);
    }

    private Outcome score(ImageState state, TrainedModel model, FeatureWindow window,
            Settings current) {
        double score = model.score(window);
        double threshold = threshold(model, current);
        boolean anomalous = score >= threshold;
        windowsScored.incrementAndGet();
        state.countScored(anomalous);
        if (!anomalous) {
            state.addWindow(window, current.maxTrainingWindows());
        }
        if (state.retrainDue(window.end(), current.retrainInterval(),
                current.minTrainingWindows())) {
            startTraining(state);
        }
        return new Outcome(state.image(), model, score, threshold, anomalous);
    }

    /** Returns the alert threshold of a model under the current settings. */
    double threshold(TrainedModel model) {
        return threshold(model, settings);
    }

    private static double threshold(TrainedModel model, Settings settings) {
        return settings.explicitThreshold()
                ? settings.threshold() : model.thresholdFor(settings.contamination());
    }

    /** Starts training the image's model on the executor unless one is running. */
    boolean startTraining(ImageState state) {
        List<FeatureWindow> windows = state.beginTraining();
        if (windows == null) {
            return false;
        }
        Settings current = settings;
        trainingExecutor.execute(() -> {
            try {
                train(state, windows, current);
            } catch (RuntimeException e) {
                // Already reported to the listener; the image keeps its previous model.
            }
        });
        return true;
    }

    /** Trains synchronously on the calling thread; used by the shell and tests. */
    TrainedModel trainNow(ImageState state) {
        List<FeatureWindow> windows = state.beginTraining();
        if (windows == null) {
            throw new IllegalStateException("a training of " + state.image() + " is running");
        }
        return train(state, windows, settings);
    }

    private TrainedModel train(ImageState state, List<FeatureWindow> windows, Settings current) {
        TrainedModel trained = null;
        try {
            trained = TrainedModel.train(state.image(), current.modelKind(), windows, current);
        } catch (RuntimeException e) {
            state.endTraining(null);
            listener.failed(state.image(), windows.size(), e);
            throw e;
        }
        IOException saveError = null;
        try {
            store.save(trained);
        } catch (IOException e) {
            saveError = e;
        }
        state.endTraining(trained);
        listener.trained(trained, saveError);
        return trained;
    }

    ImageState state(String image) {
        return images.get(image);
    }

    List<ImageState> states() {
        List<ImageState> states = new ArrayList<>(images.values());
        states.sort(Comparator.comparing(ImageState::image));
        return states;
    }

    long modelsTrained() {
        return images.values().stream().filter(s -> s.model() != null).count();
    }

    long modelsLearning() {
        return images.values().stream().filter(s -> s.model() == null).count();
    }

    long windowsScored() {
        return windowsScored.get();
    }

    long ignoredWindows() {
        return ignoredWindows.get();
    }

    /** Returns the time the next retraining of the model is due, or null if never. */
    Instant retrainDue(TrainedModel model) {
        return settings.retrainInterval().isZero()
                ? null : model.trainedAt().plus(settings.retrainInterval());
    }
}
