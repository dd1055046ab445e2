package org.tarsier.detector.rules.internal.load;

import org.tarsier.detector.rules.internal.lang.Location;

/** A {@code macro} item: a named condition fragment. */
public record MacroDef(String name, ConditionText condition, Location location) {
}
