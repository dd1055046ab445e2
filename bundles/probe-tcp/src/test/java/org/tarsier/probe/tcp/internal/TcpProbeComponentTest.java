package org.tarsier.probe.tcp.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.osgi.service.event.Event;
import org.tarsier.api.Topics;
import org.tarsier.api.event.TcpEvent;
import org.tarsier.api.event.TcpOperation;
import org.tarsier.api.probe.ProbeState;
import org.tarsier.libbpf.testing.KernelObjects;

/** Activates, reconfigures and deactivates the DS component on the running kernel. */
class TcpProbeComponentTest {

    private static final long TIMEOUT_MILLIS = 10_000;
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private final ComponentHarness harness;

    TcpProbeComponentTest() throws ReflectiveOperationException {
        harness = new ComponentHarness();
    }

    @AfterEach
    void deactivate() {
        harness.probe.deactivate();
    }

    @Test
    void activationLoadsAndPostsEvents() throws Exception {
        harness.probe.activate(ComponentHarness.config(Map.of("host", true)));
        int port = connectOnce();

        Event posted = awaitPosted(TcpOperation.CONNECT, port);

        assertEquals(ProbeState.LOADED, harness.probe.state());
        assertEquals(TcpObject.PROGRAMS.size(), harness.probe.programs().size(), "programs");
        assertEquals(Topics.TCP_PREFIX + "CONNECT", posted.getTopic());
        assertEquals("tcp", posted.getProperty(Topics.PROPERTY_PROBE));
        assertEquals("host", posted.getProperty(Topics.PROPERTY_CONTAINER_ID));
        assertTrue(harness.probe.eventCounts().get("CONNECT") >= 1, "CONNECT count");
        assertEquals(List.of("tcp probe started: autoload=true, host=true, states=false,"
                + " owner.map.entries=65536, poll.timeout.ms=25"),
                harness.messages("info").subList(0, 1));
    }

    @Test
    void invalidValueIsLoggedAndPreviousSettingsKept() throws Exception {
        harness.probe.activate(ComponentHarness.config(Map.of("host", true)));

        harness.probe.modified(ComponentHarness.config(Map.of("host", false,
                "owner.map.entries", 10)));
        int port = connectOnce();

        assertEquals(List.of("invalid configuration org.tarsier.probe.tcp: owner.map.entries=10"
                + " is invalid: expected an integer from 1024 to 1048576; keeping the previous"
                + " configuration (autoload=true, host=true, states=false,"
                + " owner.map.entries=65536, poll.timeout.ms=25)"), harness.messages("error"));
        assertEquals(ProbeState.LOADED, harness.probe.state());
        awaitPosted(TcpOperation.CONNECT, port);
    }

    @Test
    void hostSettingAppliesWithoutReload() throws Exception {
        harness.probe.activate(ComponentHarness.config(Map.of()));
        int excludedPort = connectOnce();
        Thread.sleep(500);

        harness.probe.modified(ComponentHarness.config(Map.of("host", true)));
        int includedPort = connectOnce();
        awaitPosted(TcpOperation.CONNECT, includedPort);

        assertEquals(List.of(), postedFor(TcpOperation.CONNECT, excludedPort), "while excluded");
        assertEquals(List.of(), harness.messages("info").stream()
                .filter(line -> line.contains("unloaded")).toList(), "reloads");
    }

    @Test
    void deactivationLeavesNothingLoaded() throws Exception {
        harness.probe.activate(ComponentHarness.config(Map.of()));

        harness.probe.deactivate();

        assertEquals(ProbeState.UNLOADED, harness.probe.state());
        assertEquals(List.of(), harness.probe.programs());
        assertEquals(List.of(), KernelObjects.bpfHandlesOfThisProcess());
        assertEquals(List.of("ringbuf", "owner_missing", "cgroup_missing", "connect_tracking", "queue"),
                List.copyOf(harness.probe.dropCounts().keySet()));
    }

    /** Connects to a short-lived listener on loopback and returns the listener's port. */
    private static int connectOnce() throws IOException {
        try (ServerSocket server = new ServerSocket(0, 50, LOOPBACK);
                Socket client = new Socket(LOOPBACK, server.getLocalPort());
                Socket accepted = server.accept()) {
            return server.getLocalPort();
        }
    }

    private Event awaitPosted(TcpOperation operation, int remotePort) throws Exception {
        long deadline = System.currentTimeMillis() + TIMEOUT_MILLIS;
        while (System.currentTimeMillis() < deadline) {
            List<Event> matches = postedFor(operation, remotePort);
            if (!matches.isEmpty()) {
                return matches.get(0);
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no " + operation + " to port " + remotePort + " posted");
    }

    private List<Event> postedFor(TcpOperation operation, int remotePort) {
        return harness.posted.stream().filter(posted -> {
            Object event = posted.getProperty(Topics.PROPERTY_EVENT);
            return event instanceof TcpEvent tcp && tcp.operation() == operation
                    && tcp.remotePort() == remotePort;
        }).toList();
    }
}
