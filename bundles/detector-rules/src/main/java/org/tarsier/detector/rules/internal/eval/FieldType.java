package org.tarsier.detector.rules.internal.eval;

/** Value type of a field. */
public enum FieldType {
    /** A {@code String}. */
    STRING,
    /** A {@code Long}. */
    NUMBER,
    /** A {@code Boolean}. */
    BOOL,
    /** A {@code List<String>}; comparisons hold when any element matches. */
    STRINGS
}
