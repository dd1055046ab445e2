package org.tarsier.detector.rules.internal.load;

import java.util.function.IntFunction;
import org.tarsier.detector.rules.internal.lang.Location;

/**
 * Condition text and the mapping from its offsets to file positions, kept when appends from
 * other files concatenate conditions.
 */
public record ConditionText(String text, IntFunction<Location> locator) {

    /** Returns this text followed by a space and {@code other}, as Falco appends conditions. */
    public ConditionText append(ConditionText other) {
        int split = text.length() + 1;
        IntFunction<Location> first = locator;
        IntFunction<Location> second = other.locator;
        IntFunction<Location> joined = offset -> offset < split
                ? first.apply(Math.min(offset, split - 1))
                : second.apply(offset - split);
        return new ConditionText(text + " " + other.text, joined);
    }
}
