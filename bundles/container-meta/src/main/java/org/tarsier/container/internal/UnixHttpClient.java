package org.tarsier.container.internal;

import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * HTTP/1.1 GET requests over a Unix domain socket, one connection per request.
 *
 * <p>Blocking channels have no read timeout, so a request's deadline is a task on the scheduler
 * that closes the channel, which makes the blocked read fail.
 */
final class UnixHttpClient {

    private static final int MAX_HEAD_LINE = 16 * 1024;
    private static final int MAX_HEADERS = 100;
    private static final int MAX_BODY = 64 * 1024 * 1024;

    private final Path socket;
    private final ScheduledExecutorService scheduler;

    UnixHttpClient(Path socket, ScheduledExecutorService scheduler) {
        this.socket = socket;
        this.scheduler = scheduler;
    }

    Path socket() {
        return socket;
    }

    /** Status and decoded body of a response. */
    record Response(int status, String body) {
    }

    /**
     * Sends {@code GET target} and reads the whole response within {@code timeout}.
     *
     * @throws SocketTimeoutException if the response was not complete in time
     * @throws IOException if the socket cannot be reached or the response is malformed
     */
    Response get(String target, Duration timeout) throws IOException {
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        AtomicBoolean timedOut = new AtomicBoolean();
        ScheduledFuture<?> deadline = scheduler.schedule(() -> {
            timedOut.set(true);
            closeQuietly(channel);
        }, timeout.toMillis(), TimeUnit.MILLISECONDS);
        try (channel) {
            InputStream in = send(channel, target);
            Head head = readHead(in);
            byte[] body = readBody(head, in);
            return new Response(head.status(), new String(body, StandardCharsets.UTF_8));
        } catch (IOException e) {
            if (timedOut.get()) {
                throw new SocketTimeoutException("GET " + target + " on " + socket
                        + " timed out after " + timeout.toMillis() + " ms");
            }
            throw e;
        } finally {
            deadline.cancel(false);
        }
    }

    /**
     * Sends {@code GET target} and returns the open body of a streamed response, whose head must
     * arrive within {@code headTimeout}. The caller closes the stream, from any thread, to end it.
     */
    LineStream stream(String target, Duration headTimeout) throws IOException {
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        AtomicBoolean timedOut = new AtomicBoolean();
        ScheduledFuture<?> deadline = scheduler.schedule(() -> {
            timedOut.set(true);
            closeQuietly(channel);
        }, headTimeout.toMillis(), TimeUnit.MILLISECONDS);
        try {
            InputStream in = send(channel, target);
            Head head = readHead(in);
            deadline.cancel(false);
            if (timedOut.get()) {
                throw new SocketTimeoutException("GET " + target + " on " + socket
                        + " timed out after " + headTimeout.toMillis() + " ms");
            }
            InputStream body = head.chunked() ? new ChunkedInputStream(in) : in;
            return new LineStream(channel, head.status(), new BufferedReader(
                    new InputStreamReader(body, StandardCharsets.UTF_8)));
        } catch (IOException | RuntimeException e) {
            deadline.cancel(false);
            closeQuietly(channel);
            if (timedOut.get()) {
                throw new SocketTimeoutException("GET " + target + " on " + socket
                        + " timed out after " + headTimeout.toMillis() + " ms");
            }
            throw e;
        }
    }

    /** A streamed response body read line by line. */
    static final class LineStream implements AutoCloseable {
        private final SocketChannel channel;
        private final int status;
        private final BufferedReader reader;

        private LineStream(SocketChannel channel, int status, BufferedReader reader) {
            this.channel = channel;
            this.status = status;
            this.reader = reader;
        }

        int status() {
            return status;
        }

        /** Returns the next line, or null when the server ended the response. */
        String readLine() throws IOException {
            return reader.readLine();
        }

        /** Closes the connection; a thread blocked in {@link #readLine()} gets an exception. */
        @Override
        public void close() {
            closeQuietly(channel);
        }
    }

    private InputStream send(SocketChannel channel, String target) throws IOException {
        channel.connect(UnixDomainSocketAddress.of(socket));
        String request = "GET " + target + " HTTP/1.1\r\n"
                + "Host: localhost\r\n"
                + "User-Agent: tarsier\r\n"
                + "Accept: application/json\r\n"
                + "Connection: close\r\n"
                + "\r\n";
        ByteBuffer buffer = ByteBuffer.wrap(request.getBytes(StandardCharsets.US_ASCII));
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
        return new BufferedInputStream(Channels.newInputStream(channel));
    }

    private record Head(int status, Map<String, String> headers) {
        boolean chunked() {
            return headers.getOrDefault("transfer-encoding", "").toLowerCase(Locale.ROOT)
                    .contains("chunked");
        }

        long contentLength() throws IOException {
            String value = headers.get("content-length");
            if (value == null) {
                return -1;
            }
            try {
                return Long.parseLong(value.trim());
            } catch (NumberFormatException e) {
                throw new IOException("invalid Content-Length: \"" + value + "\"", e);
            }
        }
    }

    private static Head readHead(InputStream in) throws IOException {
        String statusLine = HttpLines.readLine(in, MAX_HEAD_LINE);
        if (statusLine == null) {
            throw new EOFException("connection closed before the HTTP status line");
        }
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
            throw new IOException("invalid HTTP status line: \"" + statusLine + "\"");
        }
        int status;
        try {
            status = Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
            throw new IOException("invalid HTTP status line: \"" + statusLine + "\"", e);
        }
        return new Head(status, readHeaders(in));
    }

    private static Map<String, String> readHeaders(InputStream in) throws IOException {
        Map<String, String> headers = new HashMap<>();
        for (int i = 0; i <= MAX_HEADERS; i++) {
            String line = HttpLines.readLine(in, MAX_HEAD_LINE);
            if (line == null) {
                throw new EOFException("connection closed inside the HTTP header");
            }
            if (line.isEmpty()) {
                return headers;
            }
            int colon = line.indexOf(':');
            if (colon > 0) {
                headers.merge(line.substring(0, colon).trim().toLowerCase(Locale.ROOT),
                        line.substring(colon + 1).trim(), (first, next) -> first + ", " + next);
            }
        }
        throw new IOException("more than " + MAX_HEADERS + " HTTP header fields");
    }

    private static byte[] readBody(Head head, InputStream in) throws IOException {
        if (head.chunked()) {
            return readBounded(new ChunkedInputStream(in));
        }
        long length = head.contentLength();
        if (length < 0) {
            return readBounded(in);
        }
        if (length > MAX_BODY) {
            throw new IOException("HTTP body of " + length + " bytes exceeds " + MAX_BODY);
        }
        byte[] body = in.readNBytes((int) length);
        if (body.length < length) {
            throw new EOFException("connection closed after " + body.length + " of " + length
                    + " body bytes");
        }
        return body;
    }

    private static byte[] readBounded(InputStream in) throws IOException {
        byte[] body = in.readNBytes(MAX_BODY + 1);
        if (body.length > MAX_BODY) {
            throw new IOException("HTTP body exceeds " + MAX_BODY + " bytes");
        }
        return body;
    }

    private static void closeQuietly(SocketChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // Closing only ends the request; there is nothing left to release.
        }
    }
}
