package org.tarsier.detector.iforest.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

import org.tarsier.api.feature.FeatureWindow;

/**
 * Per-image state of the detector: the model once trained, and the most recent windows that did
 * not alert, which are the training set of the first model and of every retraining.
 * Thread-safe.
 */
final class ImageState {

    private final String image;
    private final ArrayDeque<FeatureWindow> windows = new ArrayDeque<>();
    private Instant learningStart;
    private TrainedModel model;
    private boolean training;
    private long windowsScored;
    private long alerts;

    ImageState(String image) {
        this.image = image;
    }

    ImageState(TrainedModel model) {
        this(model.image());
        this.model = model;
    }

    String image() {
        return image;
    }

    synchronized TrainedModel model() {
        return model;
    }

    /** Adds a window that did not alert, dropping the oldest beyond {@code capacity}. */
    synchronized void addWindow(FeatureWindow window, int capacity) {
        if (learningStart == null) {
            learningStart = window.end();
        }
        windows.addLast(window);
        while (windows.size() > capacity) {
            windows.removeFirst();
        }
    }

    synchronized List<FeatureWindow> windows() {
        return new ArrayList<>(windows);
    }

    synchronized int windowCount() {
        return windows.size();
    }

    /** Returns whether the first model is due: learning period over, enough windows, idle. */
    synchronized boolean learningComplete(Instant now, Duration period, int minWindows) {
        return model == null && !training && learningStart != null
                && windows.size() >= minWindows
                && !now.isBefore(learningStart.plus(period));
    }

    /** Returns whether the model is older than {@code interval}; a zero interval never is. */
    synchronized boolean retrainDue(Instant now, Duration interval, int minWindows) {
        return model != null && !training && !interval.isZero()
                && windows.size() >= minWindows
                && !now.isBefore(model.trainedAt().plus(interval));
    }

    /** Marks training as started and returns its windows, or null if training already runs. */
    synchronized List<FeatureWindow> beginTraining() {
        if (training) {
            return null;
        }
        training = true;
        return new ArrayList<>(windows);
    }

    synchronized void endTraining(TrainedModel trained) {
        training = false;
        if (trained != null) {
            model = trained;
        }
    }

    synchronized boolean training() {
        return training;
    }

    synchronized void countScored(boolean alerted) {
        windowsScored++;
        if (alerted) {
            alerts++;
        }
    }

    synchronized long windowsScored() {
        return windowsScored;
    }

    synchronized long alerts() {
        return alerts;
    }
}
