package org.tarsier.exporter.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Reads typed values from Configuration Admin properties and collects a message for every
 * invalid one.
 *
 * <p>Values arrive as strings from {@code .cfg} files and as typed objects from other sources, so
 * both are accepted. A missing property takes the default. An invalid property also takes the
 * default and adds an error that names the PID, the property, the value and what is expected.
 * Callers that see errors keep their previous configuration.
 */
public final class ConfigReader {

    private final String pid;
    private final Map<String, ?> properties;
    private final List<String> errors = new ArrayList<>();

    public ConfigReader(String pid, Map<String, ?> properties) {
        this.pid = pid;
        this.properties = properties == null ? Map.of() : properties;
    }

    /** Reads an integer in {@code [min, max]}. */
    public int intValue(String key, int defaultValue, int min, int max) {
        Object value = properties.get(key);
        if (value == null) {
            return defaultValue;
        }
        String expected = "an integer from " + min + " to " + max;
        long parsed;
        if (value instanceof Integer || value instanceof Long || value instanceof Short) {
            parsed = ((Number) value).longValue();
        } else if (value instanceof String text) {
            try {
                parsed = Long.parseLong(text.trim());
            } catch (NumberFormatException e) {
                return invalid(key, value, expected, defaultValue);
            }
        } else {
            return invalid(key, value, expected, defaultValue);
        }
        if (parsed < min || parsed > max) {
            return invalid(key, value, expected, defaultValue);
        }
        return (int) parsed;
    }

    /** Reads {@code true} or {@code false}, in any letter case. */
    public boolean booleanValue(String key, boolean defaultValue) {
        Object value = properties.get(key);
        if (value == null) {
            return defaultValue;
        }
        if (value instanceof Boolean flag) {
            return flag;
        }
        String text = value.toString().trim().toLowerCase(Locale.ROOT);
        if (text.equals("true") || text.equals("false")) {
            return Boolean.parseBoolean(text);
        }
        return invalid(key, value, "true or false", defaultValue);
    }

    /**
     * Reads a string, trimmed, that {@code valid} accepts.
     *
     * @param expected what a valid value looks like, for the error message
     */
    public String stringValue(
            String key, String defaultValue, Predicate<String> valid, String expected) {
        Object value = properties.get(key);
        if (value == null) {
            return defaultValue;
        }
        if (!(value instanceof String text) || !valid.test(text.trim())) {
            return invalid(key, value, expected, defaultValue);
        }
        return text.trim();
    }

    /** Returns the error messages, one per invalid property, in the order they were read. */
    public List<String> errors() {
        return List.copyOf(errors);
    }

    private <T> T invalid(String key, Object value, String expected, T defaultValue) {
        errors.add("invalid configuration of PID " + pid + ": property " + key + " is '"
                + value + "', expected " + expected);
        return defaultValue;
    }
}
