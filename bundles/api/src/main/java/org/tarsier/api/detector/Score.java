package org.tarsier.api.detector;

import java.time.Instant;
import java.util.Objects;

import org.tarsier.api.container.ContainerInfo;

/**
 * An anomaly score of one container's window, posted on {@code Topics.scoreTopic(detector)} in
 * the property {@code Topics.PROPERTY_SCORE}, whether or not it crosses the threshold.
 *
 * @param detector name of the detector that scored the window
 * @param model model or feature that produced the score, for example an image name
 * @param container container whose window was scored
 * @param windowEnd end of the scored window
 * @param score the score; higher is more anomalous
 * @param threshold the score at and above which the detector alerts
 */
public record Score(
        String detector,
        String model,
        ContainerInfo container,
        Instant windowEnd,
        double score,
        double threshold) {

    /**
     * Creates a score.
     *
     * @throws NullPointerException if detector, model, container or windowEnd is null
     */
    public Score {
        Objects.requireNonNull(detector, "detector");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(container, "container");
        Objects.requireNonNull(windowEnd, "windowEnd");
    }
}
