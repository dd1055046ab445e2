package org.tarsier.features.internal;

import java.util.HashSet;
import java.util.Set;

/**
 * A set that stops growing at a maximum size and counts the new values it could not hold.
 *
 * <p>Once full, a value not already held is counted as an overflow every time it is offered,
 * because the set cannot tell whether it saw it before.
 */
final class BoundedSet<T> {

    private final int maxSize;
    private final Set<T> values = new HashSet<>();
    private long overflow;

    BoundedSet(int maxSize) {
        this.maxSize = maxSize;
    }

    /** Adds a value; returns whether it was new, which a full set reports for unknown values. */
    boolean add(T value) {
        if (values.contains(value)) {
            return false;
        }
        if (values.size() >= maxSize) {
            overflow++;
            return true;
        }
        values.add(value);
        return true;
    }

    boolean remove(T value) {
        return values.remove(value);
    }

    /** Returns the number of values held, at most the maximum size. */
    int size() {
        return values.size();
    }

    /** Returns the number of new values offered while the set was full. */
    long overflow() {
        return overflow;
    }
}
