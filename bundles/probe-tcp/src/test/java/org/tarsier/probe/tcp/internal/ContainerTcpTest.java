package org.tarsier.probe.tcp.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tarsier.api.event.TcpEvent;
import org.tarsier.api.event.TcpOperation;

/**
 * Runs the tcpctl helper in busybox containers on the local Docker engine, with the probe in its
 * default mode: containers only. Containers use {@code --network none}, which leaves them a
 * loopback device of their own, except the one whose listener a host process connects to.
 * Needs root and a Docker engine.
 */
class ContainerTcpTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final Duration QUIET = Duration.ofMillis(500);
    private static final int JVM_PID = (int) ProcessHandle.current().pid();
    private static final List<String> OWN_LOOPBACK = List.of("--network", "none");
    private static final List<String> OWN_LOOPBACK_WITH_IPV6 = List.of("--network", "none",
            "--sysctl", "net.ipv6.conf.lo.disable_ipv6=0");

    @BeforeAll
    static void prepare() throws Exception {
        TestContainers.prepare();
    }

    @Test
    void pairInContainerReportsEveryOperation() throws Exception {
        try (KernelTcpProbe probe = KernelTcpProbe.start(Settings.DEFAULTS)) {
            TestContainers.Run run = TestContainers.run(OWN_LOOPBACK, "pair", "127.0.0.1",
                    "8080", "5000");
            assertEquals(0, run.exitCode(), run.output());

            TcpEvent listen = awaitIn(probe, run, TcpOperation.LISTEN, e -> true);
            TcpEvent connect = awaitIn(probe, run, TcpOperation.CONNECT, e -> true);
            TcpEvent accept = awaitIn(probe, run, TcpOperation.ACCEPT, e -> true);
            TcpEvent clientClose = awaitIn(probe, run, TcpOperation.CLOSE,
                    e -> e.localPort() == connect.localPort());
            TcpEvent serverClose = awaitIn(probe, run, TcpOperation.CLOSE,
                    e -> e.localPort() == 8080);

            assertEquals("docker/" + run.id(), probe.kernelPath(listen.header().cgroupId()));
            for (TcpEvent event : List.of(listen, connect, accept, clientClose, serverClose)) {
                assertEquals("tcpctl", event.header().comm(), event.operation() + " comm");
                assertNotEquals(0, event.header().pid(), event.operation() + " pid");
                assertEquals(4, event.family(), event.operation() + " family");
            }
            assertEquals(8080, listen.localPort());
            assertEquals(8080, connect.remotePort());
            assertEquals(0, connect.result());
            assertEquals(connect.localPort(), accept.remotePort());
            assertEquals(listen.header().pid(), accept.header().pid(), "accepting process");
            assertNotEquals(listen.header().pid(), connect.header().pid(), "connecting child");
            assertEquals(connect.header().pid(), clientClose.header().pid(), "client closes");
            assertEquals(accept.header().pid(), serverClose.header().pid(), "server closes");
            assertBetween(5000, 5002, clientClose.bytesSent(), "client bytes sent");
            assertBetween(2500, 2501, clientClose.bytesReceived(), "client bytes received");
            assertTrue(clientClose.durationNanos() > 0, "duration");
            assertEquals(List.of(), probe.failures());
        }
    }

    @Test
    void scanOfHundredClosedPorts() throws Exception {
        try (KernelTcpProbe probe = KernelTcpProbe.start(Settings.DEFAULTS)) {
            TestContainers.Run run = TestContainers.run(OWN_LOOPBACK, "scan", "127.0.0.1",
                    "20000", "100");
            assertEquals(0, run.exitCode(), run.output());

            probe.await(e -> inContainer(e, run), 100, TIMEOUT);
            Thread.sleep(QUIET.toMillis());
            List<TcpEvent> events = probe.matching(e -> inContainer(e, run));

            assertEquals(100, events.size(), "events of the scanning container");
            Set<Integer> ports = new TreeSet<>();
            for (TcpEvent event : events) {
                assertEquals(TcpOperation.CONNECT, event.operation());
                assertEquals("ECONNREFUSED", event.error(), "error of port " + event.remotePort());
                ports.add(event.remotePort());
            }
            assertEquals(100, ports.size(), "distinct ports");
            assertEquals(20000, ports.iterator().next(), "first port");
        }
    }

    @Test
    void ipv6LoopbackOfContainer() throws Exception {
        try (KernelTcpProbe probe = KernelTcpProbe.start(Settings.DEFAULTS)) {
            TestContainers.Run run = TestContainers.run(OWN_LOOPBACK_WITH_IPV6, "pair", "::1",
                    "8081", "100");
            assertEquals(0, run.exitCode(), run.output());

            TcpEvent listen = awaitIn(probe, run, TcpOperation.LISTEN, e -> true);
            TcpEvent connect = awaitIn(probe, run, TcpOperation.CONNECT, e -> true);
            TcpEvent accept = awaitIn(probe, run, TcpOperation.ACCEPT, e -> true);

            for (TcpEvent event : List.of(listen, connect, accept)) {
                assertEquals(6, event.family(), event.operation() + " family");
                assertEquals("::1", event.localAddress(), event.operation() + " local");
            }
            assertEquals("::1", connect.remoteAddress());
            assertEquals(8081, connect.remotePort());
            assertEquals(connect.localPort(), accept.remotePort());
        }
    }

    @Test
    void containerListenerAcceptsHostConnection() throws Exception {
        int port = freeLoopbackPort();
        try (KernelTcpProbe probe = KernelTcpProbe.start(Settings.DEFAULTS)) {
            int[] clientPort = new int[1];
            TestContainers.Run run = TestContainers.runServer(List.of("--network", "host"),
                    () -> {
                        try (Socket client = new Socket(InetAddress.getLoopbackAddress(), port)) {
                            clientPort[0] = client.getLocalPort();
                        }
                    }, "serve", "127.0.0.1", Integer.toString(port), "1");
            assertEquals(0, run.exitCode(), run.output());

            TcpEvent accept = awaitIn(probe, run, TcpOperation.ACCEPT,
                    e -> e.remotePort() == clientPort[0]);
            TcpEvent close = awaitIn(probe, run, TcpOperation.CLOSE,
                    e -> e.remotePort() == clientPort[0]);

            // The kernel completes the handshake while this JVM's thread is the current task.
            assertNotEquals(JVM_PID, accept.header().pid(), "accepting pid");
            assertEquals("tcpctl", accept.header().comm());
            assertEquals(port, accept.localPort());
            assertEquals("tcpctl", close.header().comm());
            assertEquals(List.of(), probe.matching(e -> e.localPort() == clientPort[0]),
                    "events of the host client");
        }
    }

    @Test
    void nonBlockingRefusedConnectInContainer() throws Exception {
        try (KernelTcpProbe probe = KernelTcpProbe.start(Settings.DEFAULTS)) {
            TestContainers.Run run = TestContainers.run(OWN_LOOPBACK, "nbconnect", "127.0.0.1",
                    "9");
            assertEquals("connect 9 111\n", run.output());

            TcpEvent connect = awaitIn(probe, run, TcpOperation.CONNECT, e -> true);
            Thread.sleep(QUIET.toMillis());

            assertEquals("ECONNREFUSED", connect.error());
            assertEquals(1, probe.matching(e -> inContainer(e, run)).size(), "events");
        }
    }

    @Test
    void connectRejectedBeforeHandshakeIsReportedOnce() throws Exception {
        try (KernelTcpProbe probe = KernelTcpProbe.start(Settings.DEFAULTS)) {
            TestContainers.Run run = TestContainers.run(OWN_LOOPBACK_WITH_IPV6, "v6only", "9");
            assertEquals("connect 9 101\n", run.output());

            TcpEvent connect = awaitIn(probe, run, TcpOperation.CONNECT, e -> true);
            Thread.sleep(QUIET.toMillis());

            assertEquals("ENETUNREACH", connect.error());
            assertEquals(4, connect.family(), "IPv4-mapped target");
            assertEquals("127.0.0.1", connect.remoteAddress());
            assertEquals(9, connect.remotePort());
            assertEquals(1, probe.matching(e -> inContainer(e, run)).size(), "events");
        }
    }

    @Test
    void exhaustedLocalPortsReportAddressNotAvailableOnce() throws Exception {
        List<String> twoPorts = List.of("--network", "none", "--sysctl",
                "net.ipv4.ip_local_port_range=40000 40001");
        try (KernelTcpProbe probe = KernelTcpProbe.start(Settings.DEFAULTS)) {
            TestContainers.Run run = TestContainers.run(twoPorts, "exhaust", "127.0.0.1", "8082",
                    "3");
            assertEquals("connect 8082 0\nconnect 8082 0\nconnect 8082 99\n", run.output());

            awaitIn(probe, run, TcpOperation.CONNECT, TcpEvent::failed);
            Thread.sleep(QUIET.toMillis());
            List<TcpEvent> connects = probe.matching(e -> inContainer(e, run)
                    && e.operation() == TcpOperation.CONNECT);

            assertEquals(3, connects.size(), "CONNECT events");
            assertEquals(List.of("", "", "EADDRNOTAVAIL"),
                    connects.stream().map(TcpEvent::error).toList());
        }
    }

    private static TcpEvent awaitIn(KernelTcpProbe probe, TestContainers.Run run,
            TcpOperation operation, java.util.function.Predicate<TcpEvent> match)
            throws InterruptedException {
        return probe.awaitOne(e -> inContainer(e, run) && e.operation() == operation
                && match.test(e), TIMEOUT, operation + " in container " + run.id());
    }

    private static boolean inContainer(TcpEvent event, TestContainers.Run run) {
        return event.container().id().equals(run.id());
    }

    private static int freeLoopbackPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static void assertBetween(long min, long max, long actual, String what) {
        assertTrue(actual >= min && actual <= max,
                what + " " + actual + " not in [" + min + ", " + max + "]");
    }
}
