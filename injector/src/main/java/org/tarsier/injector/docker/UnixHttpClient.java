package org.tarsier.injector.docker;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Minimal HTTP/1.1 client over a Unix-domain socket, one connection per request.
 *
 * <p>Each request carries {@code Connection: close}, so a response ends at end of stream; chunked
 * bodies are decoded. It is enough for the Docker Engine API's request and response calls; it
 * does not follow streams such as {@code /events}.
 */
final class UnixHttpClient {

    /** Status and body of a response. */
    record Response(int status, String body) {
        boolean ok() {
            return status >= 200 && status < 300;
        }
    }

    /** Body of a request that is written to the socket as it is read. */
    interface Body {
        String contentType();

        void writeTo(OutputStream out) throws IOException;
    }

    private final Path socket;

    UnixHttpClient(Path socket) {
        this.socket = socket;
    }

    Path socket() {
        return socket;
    }

    /** Sends a request with an optional JSON body and returns the response. */
    Response send(String method, String target, String json) throws IOException {
        Body body = json == null ? null : new Body() {
            @Override
            public String contentType() {
                return "application/json";
            }

            @Override
            public void writeTo(OutputStream out) throws IOException {
                out.write(json.getBytes(StandardCharsets.UTF_8));
            }
        };
        return send(method, target, body);
    }

    /** Sends a request whose body, if any, is streamed with chunked transfer encoding. */
    Response send(String method, String target, Body body) throws IOException {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            OutputStream out = Channels.newOutputStream(channel);
            writeHead(out, method, target, body);
            if (body != null) {
                ChunkedOutputStream chunked = new ChunkedOutputStream(out);
                body.writeTo(chunked);
                chunked.finish();
            }
            out.flush();
            return readResponse(Channels.newInputStream(channel));
        }
    }

    private static void writeHead(OutputStream out, String method, String target, Body body)
            throws IOException {
        StringBuilder head = new StringBuilder()
                .append(method).append(' ').append(target).append(" HTTP/1.1\r\n")
                .append("Host: docker\r\n")
                .append("Connection: close\r\n");
        if (body != null) {
            head.append("Content-Type: ").append(body.contentType()).append("\r\n")
                    .append("Transfer-Encoding: chunked\r\n");
        }
        head.append("\r\n");
        out.write(head.toString().getBytes(StandardCharsets.US_ASCII));
    }

    private static Response readResponse(InputStream in) throws IOException {
        byte[] raw = in.readAllBytes();
        int headEnd = indexOf(raw, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        if (headEnd < 0) {
            throw new IOException("invalid HTTP response from the Docker socket: no header end in "
                    + raw.length + " bytes");
        }
        String head = new String(raw, 0, headEnd, StandardCharsets.US_ASCII);
        String[] lines = head.split("\r\n");
        int status = parseStatus(lines[0]);
        byte[] body = java.util.Arrays.copyOfRange(raw, headEnd + 4, raw.length);
        if (isChunked(lines)) {
            body = dechunk(body);
        }
        return new Response(status, new String(body, StandardCharsets.UTF_8));
    }

    private static int parseStatus(String statusLine) throws IOException {
        String[] parts = statusLine.split(" ", 3);
        try {
            return Integer.parseInt(parts[1]);
        } catch (ArrayIndexOutOfBoundsException | NumberFormatException e) {
            throw new IOException("invalid HTTP status line from the Docker socket: '"
                    + statusLine + "'", e);
        }
    }

    private static boolean isChunked(String[] headerLines) {
        for (String line : headerLines) {
            String lower = line.toLowerCase(Locale.ROOT);
            if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                return true;
            }
        }
        return false;
    }

    static byte[] dechunk(byte[] body) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int position = 0;
        while (true) {
            int lineEnd = indexOf(body, position, "\r\n".getBytes(StandardCharsets.US_ASCII));
            if (lineEnd < 0) {
                throw new IOException("invalid chunked body: missing chunk size line");
            }
            String sizeText = new String(body, position, lineEnd - position,
                    StandardCharsets.US_ASCII).split(";", 2)[0].trim();
            int size = Integer.parseInt(sizeText, 16);
            if (size == 0) {
                return out.toByteArray();
            }
            int start = lineEnd + 2;
            if (start + size > body.length) {
                throw new IOException("invalid chunked body: chunk of " + size
                        + " bytes is truncated");
            }
            out.write(body, start, size);
            position = start + size + 2;
        }
    }

    private static int indexOf(byte[] data, byte[] pattern) {
        return indexOf(data, 0, pattern);
    }

    private static int indexOf(byte[] data, int from, byte[] pattern) {
        outer:
        for (int i = from; i <= data.length - pattern.length; i++) {
            for (int j = 0; j < pattern.length; j++) {
                if (data[i + j] != pattern[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** Writes HTTP/1.1 chunks of whatever the caller writes, and the last chunk on finish. */
    private static final class ChunkedOutputStream extends OutputStream {
        private final OutputStream out;
        private final byte[] buffer = new byte[64 * 1024];
        private int count;

        ChunkedOutputStream(OutputStream out) {
            this.out = out;
        }

        @Override
        public void write(int b) throws IOException {
            if (count == buffer.length) {
                flushChunk();
            }
            buffer[count++] = (byte) b;
        }

        @Override
        public void write(byte[] data, int offset, int length) throws IOException {
            while (length > 0) {
                if (count == buffer.length) {
                    flushChunk();
                }
                int n = Math.min(length, buffer.length - count);
                System.arraycopy(data, offset, buffer, count, n);
                count += n;
                offset += n;
                length -= n;
            }
        }

        void finish() throws IOException {
            flushChunk();
            out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        }

        private void flushChunk() throws IOException {
            if (count == 0) {
                return;
            }
            out.write((Integer.toHexString(count) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(buffer, 0, count);
            out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
            count = 0;
        }
    }
}
