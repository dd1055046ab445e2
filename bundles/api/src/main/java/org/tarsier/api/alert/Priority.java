package org.tarsier.api.alert;

import java.util.Locale;

/** Alert priority on Falco's scale, most severe first. */
public enum Priority {
    /** The system is unusable. */
    EMERGENCY,
    /** Action must be taken immediately. */
    ALERT,
    /** Critical condition. */
    CRITICAL,
    /** Error condition. */
    ERROR,
    /** Warning condition. */
    WARNING,
    /** Normal but significant condition. */
    NOTICE,
    /** Informational message; {@code INFO} in rules files. */
    INFORMATIONAL,
    /** Debugging message. */
    DEBUG;

    /** Returns the name as Falco writes it, for example {@code Warning}. */
    public String falcoName() {
        String lower = name().toLowerCase(Locale.ROOT);
        return Character.toUpperCase(lower.charAt(0)) + lower.substring(1);
    }

    /**
     * Parses a priority in any letter case; {@code INFO} is accepted for {@link #INFORMATIONAL}.
     *
     * @throws IllegalArgumentException naming the value and the accepted names
     */
    public static Priority parse(String value) {
        String upper = value.trim().toUpperCase(Locale.ROOT);
        if (upper.equals("INFO")) {
            return INFORMATIONAL;
        }
        try {
            return valueOf(upper);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid priority '" + value
                    + "': expected one of emergency, alert, critical, error, warning, notice,"
                    + " informational, debug", e);
        }
    }
}
