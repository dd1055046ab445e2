package org.tarsier.detector.rules.internal.lang;

/** A rules file or condition that cannot be loaded; the message starts with file, line and column. */
public final class RuleException extends Exception {

    private static final long serialVersionUID = 1L;

    private final transient Location location;

    /** Creates an error at {@code location}. */
    public RuleException(Location location, String message) {
        super(location + ": " + message);
        this.location = location;
    }

    /** Returns where the problem is. */
    public Location location() {
        return location;
    }
}
