package org.tarsier.console.internal.shell;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.osgi.service.log.Logger;
import org.tarsier.api.log.RateLimiter;

/**
 * Listens on a Unix domain socket and serves each client on its own thread, up to a maximum
 * number of clients at once. A client beyond that gets an error reply and is disconnected.
 *
 * <p>Threads: one acceptor and at most {@code maxClients} connection threads. Gogo runs each
 * pipeline on threads of its session, which this class does not bound.
 */
final class ShellServer implements AutoCloseable {

    private static final int BACKLOG = 16;
    private static final long STOP_TIMEOUT_MILLIS = 5_000;
    private static final long ACCEPT_RETRY_MILLIS = 100;
    private static final String ACCEPT_FAILED = "accept-failed";
    private static final String CLIENT_REJECTED = "client-rejected";

    private final Path socketPath;
    private final int maxClients;
    private final ShellSession.Factory sessions;
    private final Logger logger;
    private final RateLimiter warnings = new RateLimiter(60_000);
    private final Semaphore slots;
    private final Set<ClientConnection> connections = ConcurrentHashMap.newKeySet();
    private final AtomicLong clientIds = new AtomicLong();
    private final ServerSocketChannel server;
    private final Object socketFileKey;
    private final ExecutorService connectionThreads;
    private final Thread acceptor;
    private volatile boolean closed;

    private ShellServer(Path socketPath, int maxClients, ShellSession.Factory sessions,
            Logger logger, ServerSocketChannel server) throws IOException {
        this.socketPath = socketPath;
        this.maxClients = maxClients;
        this.sessions = sessions;
        this.logger = logger;
        this.slots = new Semaphore(maxClients);
        this.server = server;
        this.socketFileKey = SocketFiles.fileKey(socketPath);
        this.connectionThreads = Executors.newFixedThreadPool(
                maxClients, Thread.ofPlatform().name("tarsier-shell-", 1).daemon(true).factory());
        this.acceptor = Thread.ofPlatform().name("tarsier-shell-accept").daemon(true)
                .unstarted(this::acceptClients);
    }

    /**
     * Binds the socket with mode 0600, creating its folders with mode 0700, and starts accepting
     * clients.
     *
     * @throws java.nio.file.FileAlreadyExistsException if another process listens on the path or
     *     the path is not a socket
     * @throws IOException if the folder or the socket cannot be created
     */
    static ShellServer start(Path socketPath, int maxClients, ShellSession.Factory sessions,
            Logger logger) throws IOException {
        SocketFiles.createFolders(socketPath);
        if (SocketFiles.deleteStale(socketPath)) {
            logger.info("Deleted the stale shell socket {}: no process listened on it",
                    socketPath);
        }
        ServerSocketChannel channel = bind(socketPath);
        ShellServer shellServer;
        try {
            shellServer = new ShellServer(socketPath, maxClients, sessions, logger, channel);
        } catch (IOException | RuntimeException e) {
            channel.close();
            Files.deleteIfExists(socketPath);
            throw e;
        }
        shellServer.acceptor.start();
        return shellServer;
    }

    /** Returns the path of the socket file. */
    Path socketPath() {
        return socketPath;
    }

    /**
     * Stops accepting, disconnects every client, stops their commands and deletes the socket
     * file if it is still this server's.
     */
    @Override
    public void close() {
        closed = true;
        closeQuietly(server);
        connections.forEach(ClientConnection::close);
        connectionThreads.shutdownNow();
        try {
            acceptor.join(STOP_TIMEOUT_MILLIS);
            if (!connectionThreads.awaitTermination(STOP_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)) {
                logger.warn("Shell commands still run {} ms after the shell socket {} closed",
                        STOP_TIMEOUT_MILLIS, socketPath);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            SocketFiles.deleteIfSame(socketPath, socketFileKey);
        } catch (IOException e) {
            logger.warn("Deleting the shell socket {} failed", socketPath, e);
        }
    }

    private static ServerSocketChannel bind(Path socketPath) throws IOException {
        ServerSocketChannel channel = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            channel.bind(UnixDomainSocketAddress.of(socketPath), BACKLOG);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        try {
            // Between bind and this call the mode comes from the umask. When this class created
            // the folder, its mode 0700 keeps other users out in that moment.
            Files.setPosixFilePermissions(socketPath, SocketFiles.SOCKET_MODE);
        } catch (IOException | RuntimeException e) {
            channel.close();
            Files.deleteIfExists(socketPath);
            throw e;
        }
        return channel;
    }

    private void acceptClients() {
        while (!closed) {
            SocketChannel client;
            try {
                client = server.accept();
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                warnAcceptFailed(e);
                pauseAfterAcceptFailure();
                continue;
            }
            dispatch(client);
        }
    }

    private void dispatch(SocketChannel client) {
        long id = clientIds.incrementAndGet();
        if (!slots.tryAcquire()) {
            if (warnings.permit(CLIENT_REJECTED)) {
                logger.warn("Rejected shell client {}: {} clients are connected, the maximum"
                        + " ({} similar warnings suppressed)", id, maxClients,
                        warnings.suppressed(CLIENT_REJECTED));
            }
            rejectBusy(client);
            return;
        }
        ClientConnection connection =
                new ClientConnection(id, client, sessions, logger, warnings);
        connections.add(connection);
        try {
            connectionThreads.execute(() -> serve(connection));
        } catch (RejectedExecutionException e) {
            // The server is closing.
            connections.remove(connection);
            slots.release();
            connection.close();
        }
    }

    private void serve(ClientConnection connection) {
        try {
            connection.run();
        } finally {
            connections.remove(connection);
            slots.release();
        }
    }

    private void rejectBusy(SocketChannel client) {
        String reply = ShellProtocol.stderr("too many shell clients: " + maxClients
                + " are connected, the maximum; try again later") + "\n"
                + ShellProtocol.END_ERROR + "\n";
        try (client) {
            // A fresh socket's send buffer takes these few bytes without blocking.
            client.write(ByteBuffer.wrap(reply.getBytes(StandardCharsets.UTF_8)));
        } catch (IOException e) {
            logger.debug("Sending the busy reply failed: {}", e.toString());
        }
    }

    private void warnAcceptFailed(IOException e) {
        if (warnings.permit(ACCEPT_FAILED)) {
            logger.warn("Accepting a shell client on {} failed ({} similar failures suppressed)",
                    socketPath, warnings.suppressed(ACCEPT_FAILED), e);
        }
    }

    private void pauseAfterAcceptFailure() {
        try {
            Thread.sleep(ACCEPT_RETRY_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closed = true;
        }
    }

    private static void closeQuietly(ServerSocketChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // Closing a listening socket has nothing to flush; the file is deleted below.
        }
    }
}
