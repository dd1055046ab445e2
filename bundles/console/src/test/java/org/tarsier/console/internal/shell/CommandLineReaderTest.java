package org.tarsier.console.internal.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class CommandLineReaderTest {

    private static CommandLineReader reader(String text, int maxBytes) {
        return new CommandLineReader(
                new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), maxBytes);
    }

    @Test
    void readsLinesUntilEndOfStream() throws IOException {
        CommandLineReader reader = reader("probe:list\nprobe:load process\n", 100);

        assertEquals("probe:list", reader.readLine());
        assertEquals("probe:load process", reader.readLine());
        assertNull(reader.readLine());
    }

    @Test
    void dropsCarriageReturnBeforeLineBreak() throws IOException {
        assertEquals("probe:list", reader("probe:list\r\n", 100).readLine());
    }

    @Test
    void returnsLastLineWithoutLineBreak() throws IOException {
        CommandLineReader reader = reader("a\nb", 100);

        assertEquals("a", reader.readLine());
        assertEquals("b", reader.readLine());
        assertNull(reader.readLine());
    }

    @Test
    void returnsEmptyLines() throws IOException {
        CommandLineReader reader = reader("\n\nx\n", 100);

        assertEquals("", reader.readLine());
        assertEquals("", reader.readLine());
        assertEquals("x", reader.readLine());
    }

    @Test
    void decodesUtf8() throws IOException {
        assertEquals("echo caf\u00e9", reader("echo caf\u00e9\n", 100).readLine());
    }

    @Test
    void acceptsLineOfExactlyTheLimit() throws IOException {
        assertEquals("12345", reader("12345\n", 5).readLine());
    }

    @Test
    void rejectsLineOverTheLimit() {
        CommandLineReader reader = reader("123456\n", 5);

        IOException e =
                assertThrows(CommandLineReader.LineTooLongException.class, reader::readLine);
        assertEquals("command line longer than 5 bytes", e.getMessage());
    }
}
