package org.tarsier.detector.rules.internal.eval;

import org.tarsier.detector.rules.internal.lang.Location;

/** A condition uses a Falco field that Tarsier's events do not carry, so its rule is skipped. */
final class UnsupportedFieldException extends Exception {

    private static final long serialVersionUID = 1L;

    private final String field;

    UnsupportedFieldException(String field, Location location) {
        super(location + ": unsupported field " + field);
        this.field = field;
    }

    String field() {
        return field;
    }
}
