package org.tarsier.console.internal.log;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

import org.osgi.framework.Bundle;
import org.osgi.service.log.LogEntry;
import org.osgi.service.log.LogLevel;

/**
 * Formats log entries as text lines for a terminal or journald.
 *
 * <p>Each entry starts with one line:
 * {@code 2026-12-04T15:35:18.123Z INFO  [bundle.symbolic.name] logger-name: message}, with the
 * exception's class and message appended after {@code ": "} when the entry has one. Further lines
 * of a multi-line message and the stack trace follow, each indented by one tab, so a line that
 * does not start with a tab always starts a new entry.
 */
final class LogLines {

    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    /**
     * Felix Log 1.3.0 stores every exception that is not a plain {@code java.*} exception as this
     * class, whose message is the original class name and message.
     */
    private static final String FELIX_LOG_EXCEPTION = "org.apache.felix.log.LogException";

    private static final String INDENT = "\t";

    private LogLines() {
    }

    /** Returns the text of an entry, ending with a line break. */
    static String format(LogEntry entry) {
        return format(entry.getTime(), entry.getLogLevel(), bundleName(entry.getBundle()),
                entry.getLoggerName(), entry.getMessage(), entry.getException());
    }

    /**
     * Returns the text of an entry given by its fields, ending with a line break.
     *
     * @param timeMillis milliseconds since the epoch
     * @param exception the entry's exception, or {@code null}
     */
    static String format(long timeMillis, LogLevel level, String bundle, String loggerName,
            String message, Throwable exception) {
        String[] messageLines = lines(message == null ? "" : message);
        StringBuilder text = new StringBuilder()
                .append(TIME.format(Instant.ofEpochMilli(timeMillis)))
                .append(' ')
                .append(String.format("%-5s", level))
                .append(" [").append(bundle).append("] ")
                .append(loggerName == null ? "" : loggerName)
                .append(": ")
                .append(messageLines[0]);
        if (exception != null) {
            text.append(": ").append(describe(exception));
        }
        text.append('\n');
        for (int i = 1; i < messageLines.length; i++) {
            text.append(INDENT).append(messageLines[i]).append('\n');
        }
        if (exception != null) {
            appendStackTrace(text, exception);
        }
        return text.toString();
    }

    /** Returns the symbolic name of a bundle, its id when it has none, or {@code -}. */
    static String bundleName(Bundle bundle) {
        if (bundle == null) {
            return "-";
        }
        String symbolicName = bundle.getSymbolicName();
        return symbolicName != null ? symbolicName : "bundle-" + bundle.getBundleId();
    }

    /** Returns the class and message of an exception, unwrapping Felix Log's copy. */
    static String describe(Throwable exception) {
        if (FELIX_LOG_EXCEPTION.equals(exception.getClass().getName())) {
            String message = String.valueOf(exception.getMessage());
            return message.endsWith(": null") ? message.substring(0, message.length() - 6)
                    : message;
        }
        return exception.toString();
    }

    /**
     * Returns the stack trace of an exception as {@link #format} writes it after the first line:
     * one tab-indented line per frame, suppressed exception and cause.
     */
    static String stackTrace(Throwable exception) {
        StringBuilder text = new StringBuilder();
        appendStackTrace(text, exception);
        return text.toString();
    }

    private static void appendStackTrace(StringBuilder text, Throwable exception) {
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        seen.add(exception);
        appendFrames(text, exception.getStackTrace(), new StackTraceElement[0]);
        appendRelated(text, exception, seen);
    }

    private static void appendRelated(StringBuilder text, Throwable exception,
            Set<Throwable> seen) {
        for (Throwable suppressed : exception.getSuppressed()) {
            appendNested(text, "Suppressed: ", suppressed, exception, seen);
        }
        Throwable cause = exception.getCause();
        if (cause != null) {
            appendNested(text, "Caused by: ", cause, exception, seen);
        }
    }

    private static void appendNested(StringBuilder text, String label, Throwable nested,
            Throwable enclosing, Set<Throwable> seen) {
        if (!seen.add(nested)) {
            text.append(INDENT).append(label).append("[circular reference: ")
                    .append(describe(nested)).append("]\n");
            return;
        }
        text.append(INDENT).append(label).append(describe(nested)).append('\n');
        appendFrames(text, nested.getStackTrace(), enclosing.getStackTrace());
        appendRelated(text, nested, seen);
    }

    /** Appends the frames that differ from the enclosing trace, then how many are shared. */
    private static void appendFrames(StringBuilder text, StackTraceElement[] frames,
            StackTraceElement[] enclosingFrames) {
        int last = frames.length - 1;
        int enclosingLast = enclosingFrames.length - 1;
        while (last >= 0 && enclosingLast >= 0
                && frames[last].equals(enclosingFrames[enclosingLast])) {
            last--;
            enclosingLast--;
        }
        for (int i = 0; i <= last; i++) {
            text.append(INDENT).append("at ").append(frames[i]).append('\n');
        }
        int shared = frames.length - 1 - last;
        if (shared > 0) {
            text.append(INDENT).append("... ").append(shared).append(" more\n");
        }
    }

    private static String[] lines(String message) {
        return message.stripTrailing().split("\r?\n", -1);
    }
}
