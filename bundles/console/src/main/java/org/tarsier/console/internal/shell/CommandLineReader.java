package org.tarsier.console.internal.shell;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** Reads UTF-8 command lines from a client, rejecting lines longer than a limit. */
final class CommandLineReader {

    /** A command line longer than the limit; the connection cannot find the next line start. */
    static final class LineTooLongException extends IOException {

        private static final long serialVersionUID = 1L;

        LineTooLongException(int limit) {
            super("command line longer than " + limit + " bytes");
        }
    }

    private final InputStream in;
    private final int maxBytes;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();

    CommandLineReader(InputStream in, int maxBytes) {
        this.in = in;
        this.maxBytes = maxBytes;
    }

    /**
     * Returns the next line without its line break, or {@code null} at the end of the stream; a
     * last line without a line break is returned as a line.
     *
     * @throws LineTooLongException if the line has more than the limit of bytes
     */
    String readLine() throws IOException {
        line.reset();
        int b;
        while ((b = in.read()) != -1) {
            if (b == '\n') {
                return decode();
            }
            if (line.size() == maxBytes) {
                throw new LineTooLongException(maxBytes);
            }
            line.write(b);
        }
        return line.size() > 0 ? decode() : null;
    }

    private String decode() {
        String text = line.toString(StandardCharsets.UTF_8);
        return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
    }
}
