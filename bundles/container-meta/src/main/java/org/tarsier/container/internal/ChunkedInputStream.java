package org.tarsier.container.internal;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * Decodes an HTTP/1.1 body sent with {@code Transfer-Encoding: chunked} (RFC 9112, section 7.1).
 *
 * <p>Reads return at most the rest of the current chunk and block only when no byte of it has
 * arrived yet, so a line-oriented stream such as Docker's event stream is delivered as soon as
 * each chunk arrives. Chunk extensions and trailer fields are read and ignored.
 */
final class ChunkedInputStream extends InputStream {

    /** Maximum length of a chunk-size or trailer line, which bounds memory on a broken peer. */
    private static final int MAX_LINE = 8192;

    private final InputStream in;
    private long remaining;
    private boolean finished;

    ChunkedInputStream(InputStream in) {
        this.in = in;
    }

    @Override
    public int read() throws IOException {
        byte[] single = new byte[1];
        int n = read(single, 0, 1);
        return n < 0 ? -1 : single[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        if (!nextChunkStarted()) {
            return -1;
        }
        int n = in.read(buffer, offset, (int) Math.min(length, remaining));
        if (n < 0) {
            throw new EOFException("connection closed inside an HTTP chunk");
        }
        remaining -= n;
        if (remaining == 0) {
            expectLineEnd();
        }
        return n;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    /** Reads the next chunk header if the current chunk is done; returns false at the end. */
    private boolean nextChunkStarted() throws IOException {
        while (remaining == 0 && !finished) {
            String line = HttpLines.readLine(in, MAX_LINE);
            if (line == null) {
                throw new EOFException("connection closed before the last HTTP chunk");
            }
            remaining = parseSize(line);
            if (remaining == 0) {
                skipTrailers();
                finished = true;
            }
        }
        return !finished;
    }

    private void skipTrailers() throws IOException {
        String line;
        do {
            line = HttpLines.readLine(in, MAX_LINE);
        } while (line != null && !line.isEmpty());
    }

    private void expectLineEnd() throws IOException {
        String line = HttpLines.readLine(in, MAX_LINE);
        if (line == null || !line.isEmpty()) {
            throw new IOException("invalid HTTP chunk: data longer than its size");
        }
    }

    private static long parseSize(String line) throws IOException {
        int end = line.indexOf(';');
        String size = (end < 0 ? line : line.substring(0, end)).trim();
        try {
            long value = Long.parseLong(size, 16);
            if (value < 0) {
                throw new NumberFormatException("negative");
            }
            return value;
        } catch (NumberFormatException e) {
            throw new IOException("invalid HTTP chunk size: \"" + line + "\"", e);
        }
    }
}
