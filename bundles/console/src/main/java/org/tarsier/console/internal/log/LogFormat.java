package org.tarsier.console.internal.log;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.osgi.service.log.LogEntry;
import org.osgi.service.log.LogLevel;

/**
 * Output format of the log writer.
 *
 * <p>{@link #TEXT} is the multi-line form of {@link LogLines} for a terminal. {@link #LOGFMT} and
 * {@link #JSON} write exactly one line per entry: the fields {@code time} (RFC 3339, UTC, with
 * milliseconds), {@code level}, {@code bundle}, {@code logger} and {@code message}, then the ids
 * found in the message ({@code container_id}, {@code config_pid}), then {@code exception} (class
 * and message) and {@code stack_trace} (the folded trace, line breaks escaped) when the entry has
 * an exception.
 */
public enum LogFormat {
    TEXT, LOGFMT, JSON;

    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
    private static final Pattern CONTAINER_ID = Pattern.compile("\\b[0-9a-f]{64}\\b");
    private static final Pattern CONFIG_PID =
            Pattern.compile("\\bPID (org\\.tarsier(?:\\.[A-Za-z0-9_-]+)+)");
    private static final Pattern BARE_LOGFMT_VALUE = Pattern.compile("[^\\s\"=\\\\]+");

    /** Returns the format with the given name, ignoring case, or empty if there is none. */
    public static Optional<LogFormat> parse(String name) {
        String upperCase = name.strip().toUpperCase(Locale.ROOT);
        for (LogFormat format : values()) {
            if (format.name().equals(upperCase)) {
                return Optional.of(format);
            }
        }
        return Optional.empty();
    }

    /** Returns the text of an entry, ending with a line break. */
    public String format(LogEntry entry) {
        return format(entry.getTime(), entry.getLogLevel(), LogLines.bundleName(entry.getBundle()),
                entry.getLoggerName(), entry.getMessage(), entry.getException());
    }

    /**
     * Returns the text of an entry given by its fields, ending with a line break.
     *
     * @param timeMillis milliseconds since the epoch
     * @param exception the entry's exception, or {@code null}
     */
    public String format(long timeMillis, LogLevel level, String bundle, String loggerName,
            String message, Throwable exception) {
        if (this == TEXT) {
            return LogLines.format(timeMillis, level, bundle, loggerName, message, exception);
        }
        Map<String, String> fields = fields(timeMillis, level, bundle, loggerName, message,
                exception);
        return this == JSON ? json(fields) : logfmt(fields);
    }

    private static Map<String, String> fields(long timeMillis, LogLevel level, String bundle,
            String loggerName, String message, Throwable exception) {
        String text = message == null ? "" : message.stripTrailing();
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("time", TIME.format(Instant.ofEpochMilli(timeMillis)));
        fields.put("level", level.name());
        fields.put("bundle", bundle);
        fields.put("logger", loggerName == null ? "" : loggerName);
        fields.put("message", text);
        firstMatch(CONTAINER_ID, text, 0).ifPresent(id -> fields.put("container_id", id));
        firstMatch(CONFIG_PID, text, 1).ifPresent(pid -> fields.put("config_pid", pid));
        if (exception != null) {
            fields.put("exception", LogLines.describe(exception));
            fields.put("stack_trace", LogLines.stackTrace(exception).stripTrailing());
        }
        return fields;
    }

    private static Optional<String> firstMatch(Pattern pattern, String text, int group) {
        Matcher matcher = pattern.matcher(text);
        return matcher.find() ? Optional.of(matcher.group(group)) : Optional.empty();
    }

    private static String logfmt(Map<String, String> fields) {
        StringBuilder line = new StringBuilder();
        fields.forEach((key, value) -> {
            if (!line.isEmpty()) {
                line.append(' ');
            }
            line.append(key).append('=');
            if (BARE_LOGFMT_VALUE.matcher(value).matches()) {
                line.append(value);
            } else {
                line.append('"');
                escape(line, value, false);
                line.append('"');
            }
        });
        return line.append('\n').toString();
    }

    private static String json(Map<String, String> fields) {
        StringBuilder line = new StringBuilder("{");
        fields.forEach((key, value) -> {
            if (line.length() > 1) {
                line.append(',');
            }
            line.append('"').append(key).append("\":\"");
            escape(line, value, true);
            line.append('"');
        });
        return line.append("}\n").toString();
    }

    /** Escapes quotes, backslashes and control characters, so the value stays on one line. */
    private static void escape(StringBuilder out, String value, boolean json) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20 || (json && (c == '\u2028' || c == '\u2029'))) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
    }
}
