package org.tarsier.console.internal.shell;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A raw protocol client that returns replies as the lines the server sent. */
final class TestClient implements AutoCloseable {

    private final SocketChannel channel;
    private final BufferedReader replies;

    TestClient(Path socket) throws IOException {
        channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        channel.connect(UnixDomainSocketAddress.of(socket));
        replies = new BufferedReader(
                new InputStreamReader(Channels.newInputStream(channel), StandardCharsets.UTF_8));
    }

    void send(String text) throws IOException {
        ByteBuffer bytes = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
        while (bytes.hasRemaining()) {
            channel.write(bytes);
        }
    }

    /**
     * Sends one command line and returns the reply lines including the end line. A failed send
     * is ignored when a reply follows, as the server replies and closes without reading when it
     * serves its maximum number of clients.
     */
    List<String> run(String commandLine) throws IOException {
        IOException sendFailure = null;
        try {
            send(commandLine + "\n");
        } catch (IOException e) {
            sendFailure = e;
        }
        List<String> reply = readReply();
        if (reply.isEmpty() && sendFailure != null) {
            throw sendFailure;
        }
        return reply;
    }

    /** Returns the lines up to and including the end line, or up to the end of the stream. */
    List<String> readReply() throws IOException {
        List<String> lines = new ArrayList<>();
        String line;
        while ((line = replies.readLine()) != null) {
            lines.add(line);
            if (line.equals(ShellProtocol.END_OK) || line.equals(ShellProtocol.END_ERROR)) {
                break;
            }
        }
        return lines;
    }

    /** Returns the next line the server sent, or {@code null} at the end of the stream. */
    String readLine() throws IOException {
        return replies.readLine();
    }

    /** Returns whether the server closed the connection: the next read finds the end. */
    boolean isClosedByServer() throws IOException {
        return replies.readLine() == null;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
