package org.tarsier.itest;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Forwards a Unix socket of the test's own to the real Docker socket, so a test can make the
 * engine disappear and come back for the agent without touching the engine itself.
 */
final class UnixSocketProxy implements AutoCloseable {

    private final Path path;
    private final Path target;
    private final List<SocketChannel> channels = new CopyOnWriteArrayList<>();
    private ServerSocketChannel server;

    UnixSocketProxy(Path path, Path target) {
        this.path = path;
        this.target = target;
    }

    /** Starts accepting on the proxy path. */
    synchronized void start() throws IOException {
        Files.deleteIfExists(path);
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(path));
        ServerSocketChannel accepting = server;
        Thread.ofPlatform().daemon().name("itest-proxy-accept").start(() -> accept(accepting));
    }

    @Override
    public void close() throws IOException {
        stop();
    }

    /** Closes the listener and every forwarded connection, and removes the socket file. */
    synchronized void stop() throws IOException {
        if (server != null) {
            server.close();
            server = null;
        }
        for (SocketChannel channel : channels) {
            channel.close();
        }
        channels.clear();
        Files.deleteIfExists(path);
    }

    private void accept(ServerSocketChannel accepting) {
        try {
            while (accepting.isOpen()) {
                SocketChannel client = accepting.accept();
                SocketChannel upstream = SocketChannel.open(UnixDomainSocketAddress.of(target));
                channels.add(client);
                channels.add(upstream);
                Thread.ofPlatform().daemon().start(() -> pump(client, upstream));
                Thread.ofPlatform().daemon().start(() -> pump(upstream, client));
            }
        } catch (IOException e) {
            // The listener was closed by close(); nothing more to accept.
        }
    }

    private static void pump(SocketChannel from, SocketChannel to) {
        ByteBuffer buffer = ByteBuffer.allocate(16 * 1024);
        try {
            while (from.read(buffer) >= 0) {
                buffer.flip();
                while (buffer.hasRemaining()) {
                    to.write(buffer);
                }
                buffer.clear();
            }
        } catch (IOException e) {
            // Either side closed; the finally block closes the other.
        } finally {
            try {
                from.close();
                to.close();
            } catch (IOException e) {
                // Already closed.
            }
        }
    }
}
