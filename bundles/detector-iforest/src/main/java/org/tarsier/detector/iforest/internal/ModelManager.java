package org.tarsier.detector.iforest.internal;

import java.util.List;

/** Detector operations behind the shell commands: model listing, training, scoring, export. */
public interface ModelManager {

    /** Returns one line per image: model kind, state, threshold and counters. */
    List<String> describeModels();

    /** Trains the image's model now on its recent windows and returns a one-line outcome. */
    String train(String image);

    /**
     * Scores the last window of the container, given by name, full id or id prefix, and
     * returns the score, threshold and top features as text.
     */
    String score(String container);

    /**
     * Writes the windows kept for the image, which are its training set, to a CSV file and
     * returns a one-line outcome.
     */
    String export(String image, String file);
}
