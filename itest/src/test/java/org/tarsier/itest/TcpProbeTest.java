package org.tarsier.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.options;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;

import javax.inject.Inject;

import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.osgi.framework.BundleContext;
import org.tarsier.api.Topics;
import org.tarsier.api.event.TcpEvent;
import org.tarsier.api.event.TcpOperation;
import org.tarsier.api.probe.ProbeState;

/** The TCP probe attributes loopback connections inside real containers to those containers. */
@RunWith(PaxExam.class)
public class TcpProbeTest implements AgentProbe {

    private static final long TIMEOUT_MILLIS = 10_000;

    @Inject
    private BundleContext context;

    @Configuration
    public Option[] config() {
        return options(AgentOptions.agent());
    }

    @Before
    public void probeLoaded() throws Exception {
        Services.awaitState(Services.probe(context, "tcp"), ProbeState.LOADED, 30_000);
        Docker.ensureImage();
    }

    @Test
    public void containerConnectionsCarryContainer() throws Exception {
        String name = "tarsier-itest-tcp-" + System.nanoTime();
        // busybox nc listens on :: and connects over IPv4; ports 20000-20002 are closed.
        String script = "nc -l -p 8080 > /dev/null & sleep 0.5; echo hello | nc 127.0.0.1 8080;"
                + " for port in 20000 20001 20002; do nc 127.0.0.1 $port < /dev/null; done;"
                + " wait; true";
        try (Events events = new Events(context, Topics.TCP_PREFIX + "*")) {
            String id = Docker.runShortLived(name, script);

            TcpEvent listen = first(events, id, TcpOperation.LISTEN);
            TcpEvent accept = first(events, id, TcpOperation.ACCEPT);
            TcpEvent close = first(events, id, TcpOperation.CLOSE);
            List<TcpEvent> refused = events.await(TcpEvent.class, e -> inContainer(e, id)
                    && e.operation() == TcpOperation.CONNECT && e.failed(), TIMEOUT_MILLIS);

            assertEquals("name", name, listen.container().name());
            assertEquals("listen port", 8080, listen.localPort());
            assertEquals("accept family", 4, accept.family());
            assertEquals("accept local", "127.0.0.1", accept.localAddress());
            assertEquals("accepting comm", "nc", accept.header().comm());
            assertTrue("close duration", close.durationNanos() > 0);
            assertFalse("no refused CONNECT in container " + id, refused.isEmpty());
            assertEquals("error", "ECONNREFUSED", refused.get(0).error());
        }
    }

    @Test
    public void hostConnectionsAreNotReportedByDefault() throws Exception {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        try (Events events = new Events(context, Topics.TCP_PREFIX + "*");
                ServerSocket server = new ServerSocket(0, 50, loopback)) {
            int port = server.getLocalPort();
            try (Socket client = new Socket(loopback, port); Socket accepted = server.accept()) {
                Thread.sleep(1_000);
            }

            assertEquals(List.of(), events.matching(TcpEvent.class,
                    e -> e.localPort() == port || e.remotePort() == port));
        }
    }

    private static TcpEvent first(Events events, String id, TcpOperation operation)
            throws InterruptedException {
        List<TcpEvent> matches = events.await(TcpEvent.class,
                e -> inContainer(e, id) && e.operation() == operation, TIMEOUT_MILLIS);
        assertFalse("no " + operation + " in container " + id, matches.isEmpty());
        return matches.get(0);
    }

    private static boolean inContainer(TcpEvent event, String id) {
        return event.container().id().equals(id);
    }
}
