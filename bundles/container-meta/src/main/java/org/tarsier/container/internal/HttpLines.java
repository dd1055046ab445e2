package org.tarsier.container.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** Reads the CRLF-terminated lines of HTTP/1.1 heads and chunk headers. */
final class HttpLines {

    private HttpLines() {
    }

    /**
     * Reads one line without its terminator; accepts a bare LF as well as CRLF.
     *
     * @return the line, or null if the stream ended before any byte of it
     * @throws IOException if the line is longer than {@code maxLength} bytes
     */
    static String readLine(InputStream in, int maxLength) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(64);
        int b = in.read();
        if (b < 0) {
            return null;
        }
        while (b >= 0 && b != '\n') {
            if (line.size() >= maxLength) {
                throw new IOException("HTTP line longer than " + maxLength + " bytes");
            }
            line.write(b);
            b = in.read();
        }
        byte[] bytes = line.toByteArray();
        int length = bytes.length > 0 && bytes[bytes.length - 1] == '\r'
                ? bytes.length - 1 : bytes.length;
        return new String(bytes, 0, length, StandardCharsets.ISO_8859_1);
    }
}
