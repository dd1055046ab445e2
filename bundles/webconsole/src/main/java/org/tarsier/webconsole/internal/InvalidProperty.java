package org.tarsier.webconsole.internal;

/**
 * A configuration property whose value was rejected.
 *
 * @param pid configuration PID
 * @param property property name
 * @param value the rejected value as configured, or a description of it for secrets
 * @param expected what a valid value looks like
 */
record InvalidProperty(String pid, String property, Object value, String expected) {

    /** Returns the log message naming the PID, the property, the value and the expectation. */
    String message(String keeping) {
        return "Invalid value '" + value + "' for property " + property + " of configuration "
                + pid + ": expected " + expected + "; keeping " + keeping;
    }
}
