package org.tarsier.container.internal;

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
 * Forwards connections from a Unix socket of the test to another one, here Docker's, so that a
 * test can make "Docker's socket" disappear and come back without touching the real engine.
 */
final class UnixSocketProxy implements AutoCloseable {

    private final Path listen;
    private final Path target;
    private final List<SocketChannel> open = new CopyOnWriteArrayList<>();
    private ServerSocketChannel server;

    UnixSocketProxy(Path listen, Path target) {
        this.listen = listen;
        this.target = target;
    }

    void start() throws IOException {
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(listen));
        Thread.ofPlatform().daemon().name("test-proxy-accept").start(this::accept);
    }

    /** Closes the listening socket and every forwarded connection, and deletes the socket file. */
    @Override
    public void close() throws IOException {
        if (server != null) {
            server.close();
        }
        for (SocketChannel channel : open) {
            channel.close();
        }
        open.clear();
        Files.deleteIfExists(listen);
    }

    private void accept() {
        try {
            while (true) {
                SocketChannel client = server.accept();
                SocketChannel upstream = SocketChannel.open(UnixDomainSocketAddress.of(target));
                open.add(client);
                open.add(upstream);
                Thread.ofPlatform().daemon().start(() -> pump(client, upstream));
                Thread.ofPlatform().daemon().start(() -> pump(upstream, client));
            }
        } catch (IOException e) {
            // The proxy was closed.
        }
    }

    private static void pump(SocketChannel from, SocketChannel to) {
        ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
        try {
            while (from.read(buffer) >= 0) {
                buffer.flip();
                while (buffer.hasRemaining()) {
                    to.write(buffer);
                }
                buffer.clear();
            }
        } catch (IOException e) {
            // One side closed; closing both ends the forwarded connection.
        }
        try {
            from.close();
            to.close();
        } catch (IOException e) {
            // Already closed.
        }
    }
}
