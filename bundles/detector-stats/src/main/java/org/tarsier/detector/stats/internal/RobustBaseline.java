package org.tarsier.detector.stats.internal;

import java.util.Arrays;

/**
 * The median and the median absolute deviation (MAD) of one feature over a sliding history of
 * windows.
 *
 * <p>Both statistics have a breakdown point of 50%: outliers in fewer than half of the windows
 * in the history move them by at most the spread of the normal windows, so anomalies seen while
 * learning do not become the baseline. A change of level that lasts longer than half the
 * history does become the baseline. {@link #scale()} multiplies the MAD by 1.4826, which is
 * 1 / Φ⁻¹(0.75), so that it estimates the standard deviation of normally distributed data.
 */
final class RobustBaseline {

    /** Ratio of the standard deviation to the MAD for a normal distribution. */
    static final double MAD_TO_SIGMA = 1.4826;

    private final double[] history;
    private int size;
    private int next;

    RobustBaseline(int capacity) {
        this.history = new double[capacity];
    }

    private RobustBaseline(RobustBaseline source) {
        this.history = source.history.clone();
        this.size = source.size;
        this.next = source.next;
    }

    /** Adds a window's value, replacing the oldest one when the history is full. */
    void add(double value) {
        history[next] = value;
        next = (next + 1) % history.length;
        size = Math.min(size + 1, history.length);
    }

    /** Returns the number of values in the history. */
    int size() {
        return size;
    }

    /** Returns the median of the history, or 0 when it is empty. */
    double median() {
        return size == 0 ? 0 : median(sorted(Arrays.copyOf(history, size)));
    }

    /** Returns the median absolute deviation from the median, or 0 when the history is empty. */
    double mad() {
        if (size == 0) {
            return 0;
        }
        double center = median();
        double[] deviations = new double[size];
        for (int i = 0; i < size; i++) {
            deviations[i] = Math.abs(history[i] - center);
        }
        return median(sorted(deviations));
    }

    /** Returns the MAD scaled to estimate a standard deviation. */
    double scale() {
        return MAD_TO_SIGMA * mad();
    }

    /** Returns an independent copy, for a new container that starts from this baseline. */
    RobustBaseline copy() {
        return new RobustBaseline(this);
    }

    private static double[] sorted(double[] values) {
        Arrays.sort(values);
        return values;
    }

    private static double median(double[] sorted) {
        int middle = sorted.length / 2;
        if (sorted.length % 2 == 1) {
            return sorted[middle];
        }
        return (sorted[middle - 1] + sorted[middle]) / 2;
    }
}
