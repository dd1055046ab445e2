package org.tarsier.api.feature;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

import org.tarsier.api.container.ContainerInfo;

/**
 * One container's activity in one time window as a named numeric vector, posted on {@code
 * Topics.FEATURE_WINDOW} in the property {@code Topics.PROPERTY_FEATURES}.
 *
 * <p>{@code names} and {@code values} have the same length; the extractor documents each name.
 * The value array is copied on construction and on access, so a window is immutable.
 *
 * @param container container the window describes
 * @param start start of the window, inclusive
 * @param end end of the window, exclusive
 * @param names feature names in vector order
 * @param values feature values in vector order
 */
public record FeatureWindow(
        ContainerInfo container, Instant start, Instant end, List<String> names, double[] values) {

    /**
     * Creates a window with copies of the names and values.
     *
     * @throws IllegalArgumentException if names and values differ in length
     */
    public FeatureWindow {
        Objects.requireNonNull(container, "container");
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(end, "end");
        names = List.copyOf(names);
        values = values.clone();
        if (names.size() != values.length) {
            throw new IllegalArgumentException(
                    names.size() + " names but " + values.length + " values");
        }
    }

    /** Returns a copy of the feature values in vector order. */
    @Override
    public double[] values() {
        return values.clone();
    }

    /** Returns the value of the named feature, or NaN when the window has no such feature. */
    public double value(String name) {
        int index = names.indexOf(name);
        return index < 0 ? Double.NaN : values[index];
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof FeatureWindow window
                && container.equals(window.container)
                && start.equals(window.start)
                && end.equals(window.end)
                && names.equals(window.names)
                && Arrays.equals(values, window.values);
    }

    @Override
    public int hashCode() {
        return Objects.hash(container, start, end, names, Arrays.hashCode(values));
    }

    @Override
    public String toString() {
        return "FeatureWindow[container=" + container.id() + ", start=" + start + ", end=" + end
                + ", names=" + names + ", values=" + Arrays.toString(values) + "]";
    }
}
