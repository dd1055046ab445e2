package org.tarsier.console.internal.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.osgi.service.log.LogLevel;

class LogFormatTest {

    private static final long TIME = Instant.parse("2026-12-04T15:35:18.123Z").toEpochMilli();
    private static final String CONTAINER =
            "3f2c9a6e1b7d4c8f0a5e2d1c9b8a7f6e5d4c3b2a1f0e9d8c7b6a5f4e3d2c1b0a";

    @Test
    void logfmtHasAllFieldsOnOneLine() {
        String line = LogFormat.LOGFMT.format(TIME, LogLevel.INFO, "org.tarsier.console",
                "org.tarsier.console.internal.shell.ShellSocket", "Shell socket listening", null);

        assertEquals("time=2026-12-04T15:35:18.123Z level=INFO bundle=org.tarsier.console"
                + " logger=org.tarsier.console.internal.shell.ShellSocket"
                + " message=\"Shell socket listening\"\n", line);
    }

    @Test
    void logfmtFoldsMultiLineMessageAndStackTrace() {
        IllegalStateException error = new IllegalStateException("load \"failed\"",
                new IOException("EPERM"));

        String line = LogFormat.LOGFMT.format(TIME, LogLevel.ERROR, "b", "l",
                "first\nsecond", error);

        assertEquals(1, line.split("\n", -1).length - 1);
        Map<String, String> fields = parseLogfmt(line);
        assertEquals("first\nsecond", fields.get("message"));
        assertEquals("java.lang.IllegalStateException: load \"failed\"",
                fields.get("exception"));
        assertTrue(fields.get("stack_trace").contains("Caused by: java.io.IOException: EPERM"),
                fields.get("stack_trace"));
    }

    @Test
    void jsonEscapesControlCharacters() {
        String line = LogFormat.JSON.format(TIME, LogLevel.WARN, "b", null,
                "tab\there \u0001 quote\" backslash\\", null);

        assertEquals("{\"time\":\"2026-12-04T15:35:18.123Z\",\"level\":\"WARN\",\"bundle\":\"b\","
                + "\"logger\":\"\",\"message\":\"tab\\there \\u0001 quote\\\" backslash\\\\\"}\n",
                line);
    }

    @Test
    void jsonStackTraceIsOneField() {
        String line = LogFormat.JSON.format(TIME, LogLevel.ERROR, "b", "l", "m",
                new IllegalArgumentException("bad"));

        assertEquals(1, line.split("\n", -1).length - 1);
        assertTrue(line.contains("\"exception\":\"java.lang.IllegalArgumentException: bad\""),
                line);
        assertTrue(line.contains("\"stack_trace\":\"\\tat org.tarsier."), line);
    }

    @Test
    void idsInMessageBecomeFields() {
        String message = "container " + CONTAINER + " rejected by PID org.tarsier.output.jsonl";

        Map<String, String> fields = parseLogfmt(LogFormat.LOGFMT.format(TIME, LogLevel.WARN,
                "b", "l", message, null));

        assertEquals(CONTAINER, fields.get("container_id"));
        assertEquals("org.tarsier.output.jsonl", fields.get("config_pid"));
    }

    @Test
    void textKeepsTheTerminalForm() {
        assertEquals(LogLines.format(TIME, LogLevel.INFO, "b", "l", "m", null),
                LogFormat.TEXT.format(TIME, LogLevel.INFO, "b", "l", "m", null));
    }

    @Test
    void parseIgnoresCase() {
        assertEquals(Optional.of(LogFormat.JSON), LogFormat.parse(" Json "));
        assertFalse(LogFormat.parse("xml").isPresent());
    }

    /** Parses one logfmt line: bare values, or quoted values with backslash escapes. */
    static Map<String, String> parseLogfmt(String line) {
        Map<String, String> fields = new LinkedHashMap<>();
        int i = 0;
        String text = line.stripTrailing();
        while (i < text.length()) {
            int equals = text.indexOf('=', i);
            String key = text.substring(i, equals);
            StringBuilder value = new StringBuilder();
            i = equals + 1;
            if (i < text.length() && text.charAt(i) == '"') {
                i++;
                while (text.charAt(i) != '"') {
                    char c = text.charAt(i);
                    if (c == '\\') {
                        char next = text.charAt(++i);
                        value.append(switch (next) {
                            case 'n' -> '\n';
                            case 't' -> '\t';
                            case 'r' -> '\r';
                            default -> next;
                        });
                    } else {
                        value.append(c);
                    }
                    i++;
                }
                i++;
            } else {
                while (i < text.length() && text.charAt(i) != ' ') {
                    value.append(text.charAt(i++));
                }
            }
            fields.put(key, value.toString());
            while (i < text.length() && text.charAt(i) == ' ') {
                i++;
            }
        }
        return fields;
    }
}
