package org.tarsier.console.internal.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.osgi.service.log.LogLevel;

class LogLinesTest {

    private static final long TIME = Instant.parse("2026-12-04T15:35:18.123Z").toEpochMilli();

    @Test
    void entryLineHasAllFields() {
        String text = LogLines.format(TIME, LogLevel.INFO, "org.tarsier.console",
                "org.tarsier.console.internal.shell.ShellSocket", "Shell socket listening", null);

        assertEquals("2026-12-04T15:35:18.123Z INFO  [org.tarsier.console]"
                + " org.tarsier.console.internal.shell.ShellSocket: Shell socket listening\n",
                text);
    }

    @Test
    void levelIsPaddedToFiveCharacters() {
        assertTrue(LogLines.format(TIME, LogLevel.WARN, "b", "l", "m", null)
                .startsWith("2026-12-04T15:35:18.123Z WARN  [b]"));
        assertTrue(LogLines.format(TIME, LogLevel.ERROR, "b", "l", "m", null)
                .startsWith("2026-12-04T15:35:18.123Z ERROR [b]"));
    }

    @Test
    void wholeSecondKeepsMilliseconds() {
        long time = Instant.parse("2026-12-04T15:35:18Z").toEpochMilli();

        assertTrue(LogLines.format(time, LogLevel.INFO, "b", "l", "m", null)
                .startsWith("2026-12-04T15:35:18.000Z "));
    }

    @Test
    void furtherMessageLinesAreIndentedByTab() {
        String text = LogLines.format(TIME, LogLevel.INFO, "b", "l", "first\r\nsecond\nthird\n",
                null);

        assertEquals("2026-12-04T15:35:18.123Z INFO  [b] l: first\n\tsecond\n\tthird\n", text);
    }

    @Test
    void nullMessageAndLoggerAreEmpty() {
        assertEquals("2026-12-04T15:35:18.123Z INFO  [b] : \n",
                LogLines.format(TIME, LogLevel.INFO, "b", null, null, null));
    }

    @Test
    void exceptionIsAppendedAndStackTraceIndented() {
        IOException cause = new IOException("EPERM");
        IllegalStateException exception = new IllegalStateException("load failed", cause);

        String[] lines = LogLines.format(TIME, LogLevel.ERROR, "b", "l", "Probe not loaded",
                exception).split("\n");

        assertEquals("2026-12-04T15:35:18.123Z ERROR [b] l: Probe not loaded:"
                + " java.lang.IllegalStateException: load failed", lines[0]);
        assertTrue(lines[1].startsWith("\tat org.tarsier.console.internal.log.LogLinesTest."),
                lines[1]);
        for (int i = 1; i < lines.length; i++) {
            assertTrue(lines[i].startsWith("\t"), "line not indented: " + lines[i]);
        }
    }

    @Test
    void causeFramesSharedWithEnclosingTraceAreCounted() {
        IOException cause = new IOException("EPERM");
        IllegalStateException exception = new IllegalStateException("load failed", cause);

        String text = LogLines.format(TIME, LogLevel.ERROR, "b", "l", "m", exception);

        assertTrue(text.contains("\n\tCaused by: java.io.IOException: EPERM\n"), text);
        assertTrue(text.matches("(?s).*\n\t\\.\\.\\. \\d+ more\n"), text);
    }

    @Test
    void suppressedExceptionsAreShown() {
        IllegalStateException exception = new IllegalStateException("close failed");
        exception.addSuppressed(new IOException("flush failed"));

        String text = LogLines.format(TIME, LogLevel.ERROR, "b", "l", "m", exception);

        assertTrue(text.contains("\n\tSuppressed: java.io.IOException: flush failed\n"), text);
    }

    @Test
    void circularCauseEndsTheTrace() {
        IllegalStateException first = new IllegalStateException("first");
        IllegalStateException second = new IllegalStateException("second", first);
        first.initCause(second);

        String text = LogLines.format(TIME, LogLevel.ERROR, "b", "l", "m", first);

        assertTrue(text.contains("\tCaused by: [circular reference:"
                + " java.lang.IllegalStateException: first]\n"), text);
    }
}
