package org.tarsier.probe.tcp.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.tarsier.api.event.TcpEvent;
import org.tarsier.api.event.TcpOperation;
import org.tarsier.libbpf.BpfException;
import org.tarsier.libbpf.probe.ProbeSession;
import org.tarsier.libbpf.testing.KernelObjects;

/**
 * Loads the probe into the running kernel and watches this JVM's own loopback connections. Host
 * sockets are included, except in the tests that start the probe with the defaults. Needs root.
 */
class TcpSessionTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final Duration QUIET = Duration.ofSeconds(1);
    private static final int JVM_PID = (int) ProcessHandle.current().pid();
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final Settings HOST_AND_STATES = new Settings(true, true, true, 65_536, 100);

    @Test
    void loopbackConnectionReportsEveryOperation() throws Exception {
        try (KernelTcpProbe probe = KernelTcpProbe.startWithHost();
                ServerSocket server = new ServerSocket(0, 50, LOOPBACK)) {
            int port = server.getLocalPort();
            int clientPort = exchange(server, 1000, 10);

            TcpEvent listen = probe.awaitOne(e -> is(e, TcpOperation.LISTEN)
                    && e.localPort() == port, TIMEOUT, "LISTEN on " + port);
            TcpEvent connect = probe.awaitOne(e -> is(e, TcpOperation.CONNECT)
                    && e.localPort() == clientPort, TIMEOUT, "CONNECT from " + clientPort);
            TcpEvent accept = probe.awaitOne(e -> is(e, TcpOperation.ACCEPT)
                    && e.remotePort() == clientPort, TIMEOUT, "ACCEPT of " + clientPort);
            TcpEvent clientClose = probe.awaitOne(e -> is(e, TcpOperation.CLOSE)
                    && e.localPort() == clientPort, TIMEOUT, "CLOSE of " + clientPort);
            TcpEvent serverClose = probe.awaitOne(e -> is(e, TcpOperation.CLOSE)
                    && e.remotePort() == clientPort, TIMEOUT, "CLOSE of the accepted socket");

            for (TcpEvent event : List.of(listen, connect, accept, clientClose, serverClose)) {
                assertEquals(JVM_PID, event.header().pid(), event.operation() + " pid");
                assertTrue(event.container().isHost(), event.operation() + " on the host");
                assertEquals(4, event.family(), event.operation() + " family");
                assertEquals("127.0.0.1", event.localAddress(), event.operation() + " local");
            }
            assertEquals("", listen.remoteAddress());
            assertEquals(port, connect.remotePort());
            assertEquals("127.0.0.1", connect.remoteAddress());
            assertEquals(0, connect.result());
            assertEquals(port, accept.localPort());
            assertEquals(port, clientClose.remotePort());
            assertBetween(1000, 1002, clientClose.bytesSent(), "client bytes sent");
            assertBetween(10, 11, clientClose.bytesReceived(), "client bytes received");
            assertBetween(10, 11, serverClose.bytesSent(), "server bytes sent");
            assertBetween(1000, 1001, serverClose.bytesReceived(), "server bytes received");
            assertTrue(clientClose.durationNanos() > 0, "duration " + clientClose.durationNanos());
            assertTrue(clientClose.durationNanos() < TIMEOUT.toNanos(),
                    "duration " + clientClose.durationNanos());
            assertEquals(List.of(), probe.failures());
        }
    }

    @Test
    void refusedConnectCarriesErrno() throws Exception {
        try (KernelTcpProbe probe = KernelTcpProbe.startWithHost()) {
            int port = closedPort();

            assertThrows(ConnectException.class,
                    () -> new Socket().connect(new InetSocketAddress(LOOPBACK, port)));

            TcpEvent connect = probe.awaitOne(e -> is(e, TcpOperation.CONNECT)
                    && e.remotePort() == port, TIMEOUT, "CONNECT to " + port);
            assertEquals(-111, connect.result());
            assertEquals("ECONNREFUSED", connect.error());
            assertEquals(JVM_PID, connect.header().pid());
            assertEquals(1, probe.matching(e -> e.remotePort() == port).size(), "events");
        }
    }

    @Test
    void nonBlockingRefusedConnectCarriesErrno() throws Exception {
        try (KernelTcpProbe probe = KernelTcpProbe.startWithHost();
                SocketChannel channel = SocketChannel.open()) {
            int port = closedPort();
            channel.configureBlocking(false);

            channel.connect(new InetSocketAddress(LOOPBACK, port));
            assertThrows(ConnectException.class, () -> awaitConnected(channel));

            TcpEvent connect = probe.awaitOne(e -> is(e, TcpOperation.CONNECT)
                    && e.remotePort() == port, TIMEOUT, "CONNECT to " + port);
            assertEquals("ECONNREFUSED", connect.error());
            assertEquals(JVM_PID, connect.header().pid());
        }
    }

    @Test
    void ipv6LoopbackKeepsIpv6Addresses() throws Exception {
        InetAddress loopback6 = InetAddress.getByName("::1");
        try (KernelTcpProbe probe = KernelTcpProbe.startWithHost();
                ServerSocket server = new ServerSocket(0, 50, loopback6)) {
            int port = server.getLocalPort();
            int clientPort = exchange(server, 1, 1);

            TcpEvent connect = probe.awaitOne(e -> is(e, TcpOperation.CONNECT)
                    && e.localPort() == clientPort, TIMEOUT, "CONNECT from " + clientPort);
            TcpEvent accept = probe.awaitOne(e -> is(e, TcpOperation.ACCEPT)
                    && e.remotePort() == clientPort, TIMEOUT, "ACCEPT of " + clientPort);

            assertEquals(6, connect.family());
            assertEquals("::1", connect.localAddress());
            assertEquals("::1", connect.remoteAddress());
            assertEquals(port, connect.remotePort());
            assertEquals(6, accept.family());
            assertEquals("::1", accept.localAddress());
        }
    }

    @Test
    void statesFollowTheLiveSetting() throws Exception {
        try (KernelTcpProbe probe = KernelTcpProbe.startWithHost();
                ServerSocket server = new ServerSocket(0, 50, LOOPBACK)) {
            int quietPort = exchange(server, 1, 1);
            probe.awaitOne(e -> is(e, TcpOperation.CLOSE) && e.localPort() == quietPort,
                    TIMEOUT, "CLOSE of " + quietPort);

            TcpObject.writeFilter(probe.session().object(), HOST_AND_STATES);
            int loudPort = exchange(server, 1, 1);
            List<TcpEvent> states = probe.await(e -> is(e, TcpOperation.STATE)
                    && e.localPort() == loudPort && e.newState().equals("CLOSE"), 1, TIMEOUT);

            assertEquals(List.of(), probe.matching(e -> is(e, TcpOperation.STATE)
                    && e.localPort() == quietPort), "STATE events while off");
            assertEquals(1, states.size(), "STATE to CLOSE of " + loudPort);
            List<String> changes = probe.matching(e -> is(e, TcpOperation.STATE)
                    && e.localPort() == loudPort).stream()
                    .map(e -> e.oldState() + ">" + e.newState()).toList();
            // exchange() closes the accepted socket first. The client's port is still 0 in SYN_SENT.
            assertEquals(List.of("SYN_SENT>ESTABLISHED", "ESTABLISHED>CLOSE_WAIT",
                    "CLOSE_WAIT>LAST_ACK", "LAST_ACK>CLOSE"), changes);
        }
    }

    @Test
    void hostSocketsAreExcludedByDefault() throws Exception {
        try (KernelTcpProbe probe = KernelTcpProbe.start(Settings.DEFAULTS);
                ServerSocket server = new ServerSocket(0, 50, LOOPBACK)) {
            int port = server.getLocalPort();
            exchange(server, 1, 1);

            List<TcpEvent> events = probe.await(e -> e.localPort() == port
                    || e.remotePort() == port, 1, QUIET);

            assertEquals(List.of(), events);
        }
    }

    @Test
    void preexistingConnectionUsesSocketCgroup() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 50, LOOPBACK);
                Socket client = new Socket(LOOPBACK, server.getLocalPort());
                Socket accepted = server.accept();
                KernelTcpProbe probe = KernelTcpProbe.startWithHost()) {
            int clientPort = client.getLocalPort();

            client.close();
            accepted.close();
            TcpEvent close = probe.awaitOne(e -> is(e, TcpOperation.CLOSE)
                    && e.localPort() == clientPort, TIMEOUT, "CLOSE of " + clientPort);

            assertEquals(0, close.header().pid(), "pid of an unknown owner");
            assertEquals(cgroupIdOfThisProcess(), close.header().cgroupId());
            assertEquals(0, close.durationNanos(), "duration of an unknown start");
            assertTrue(TcpObject.DROPS.read(probe.session().object()).get("owner_missing") > 0,
                    "owner_missing counted");
        }
    }

    @Test
    void listenerFromBeforeLoadIsLearnedAtAccept() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 50, LOOPBACK);
                KernelTcpProbe probe = KernelTcpProbe.startWithHost()) {
            CompletableFuture<Socket> accepted = CompletableFuture.supplyAsync(() -> {
                try {
                    return server.accept();
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            // The JVM calls accept(2) once before it polls, so the listener is learned before the
            // connection arrives.
            Thread.sleep(300);
            try (Socket client = new Socket(LOOPBACK, server.getLocalPort())) {
                int clientPort = client.getLocalPort();
                accepted.get(10, TimeUnit.SECONDS).close();

                TcpEvent accept = probe.awaitOne(e -> is(e, TcpOperation.ACCEPT)
                        && e.remotePort() == clientPort, TIMEOUT, "ACCEPT of " + clientPort);

                assertEquals(JVM_PID, accept.header().pid());
            }
        }
    }

    @Test
    void rejectedMapSizeFailsWithoutLeftovers() throws Exception {
        Settings invalid = new Settings(true, true, false, 0, 100);

        BpfException e = assertThrows(BpfException.class, () -> KernelTcpProbe.start(invalid));

        assertTrue(e.getMessage().contains("tcp.bpf.o"), e.getMessage());
        assertEquals(List.of(), KernelObjects.bpfHandlesOfThisProcess());
        assertEquals(0, pollerThreads(), "poller threads");
    }

    @Test
    void fiftyLoadCyclesLeakNothing() throws Exception {
        KernelTcpProbe.startWithHost().close();
        long fdsBefore = KernelObjects.openFileDescriptors();
        Set<String> kernelIds = new TreeSet<>();
        int perCycle = 0;

        for (int i = 0; i < 50; i++) {
            try (KernelTcpProbe probe = KernelTcpProbe.startWithHost()) {
                assertEquals(TcpObject.PROGRAMS.size(), probe.session().programs().size(),
                        "programs of cycle " + i);
                List<String> ids = KernelObjects.idsOf(probe.session().object());
                perCycle = ids.size();
                kernelIds.addAll(ids);
            }
        }

        assertEquals(50 * perCycle, kernelIds.size(), "distinct program and map ids");
        assertEquals(fdsBefore, KernelObjects.openFileDescriptors(), "open file descriptors");
        assertEquals(List.of(), KernelObjects.bpfHandlesOfThisProcess());
        assertEquals(0, pollerThreads(), "poller threads");
        assertEquals(Set.of(), KernelObjects.stillLoaded(kernelIds), "loaded after unload");
    }

    @Test
    void dropCountsNameEveryReason() throws Exception {
        try (KernelTcpProbe probe = KernelTcpProbe.startWithHost()) {
            Map<String, Long> drops = TcpObject.DROPS.read(probe.session().object());

            assertEquals(List.of("ringbuf", "owner_missing", "cgroup_missing",
                    "connect_tracking"), List.copyOf(drops.keySet()));
        }
    }

    /**
     * Connects to {@code server}, sends {@code request} bytes, replies with {@code response}
     * bytes, closes both ends and returns the client's port.
     */
    private static int exchange(ServerSocket server, int request, int response)
            throws IOException {
        try (Socket client = new Socket(server.getInetAddress(), server.getLocalPort());
                Socket accepted = server.accept()) {
            OutputStream out = client.getOutputStream();
            out.write(new byte[request]);
            out.flush();
            InputStream in = accepted.getInputStream();
            in.readNBytes(request);
            accepted.getOutputStream().write(new byte[response]);
            client.getInputStream().readNBytes(response);
            return client.getLocalPort();
        }
    }

    private static int closedPort() throws IOException {
        try (ServerSocket probe = new ServerSocket(0, 1, LOOPBACK)) {
            return probe.getLocalPort();
        }
    }

    private static void awaitConnected(SocketChannel channel) throws Exception {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!channel.finishConnect()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("non-blocking connect did not finish");
            }
            Thread.sleep(10);
        }
    }

    private static long cgroupIdOfThisProcess() throws IOException {
        String line = Files.readAllLines(Path.of("/proc/self/cgroup")).stream()
                .filter(l -> l.startsWith("0::")).findFirst().orElseThrow();
        Path directory = Path.of("/sys/fs/cgroup/unified" + line.substring(3));
        return (Long) Files.getAttribute(directory, "unix:ino");
    }

    private static boolean is(TcpEvent event, TcpOperation operation) {
        return event.operation() == operation;
    }

    private static void assertBetween(long min, long max, long actual, String what) {
        assertTrue(actual >= min && actual <= max,
                what + " " + actual + " not in [" + min + ", " + max + "]");
    }

    private static long pollerThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals(ProbeSession.POLLER_THREAD))
                .count();
    }
}
