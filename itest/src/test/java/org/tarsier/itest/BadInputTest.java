package org.tarsier.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.ops4j.pax.exam.CoreOptions.options;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import javax.inject.Inject;

import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.osgi.framework.BundleContext;
import org.osgi.service.log.LogLevel;
import org.tarsier.api.Topics;
import org.tarsier.api.container.ContainerInfo;
import org.tarsier.api.event.ExecEvent;
import org.tarsier.api.probe.Probe;
import org.tarsier.api.probe.ProbeException;
import org.tarsier.api.probe.ProbeState;

/** Bad input degrades one part of the agent, logs what is wrong, and loses nothing else. */
@RunWith(PaxExam.class)
public class BadInputTest implements AgentProbe {

    private static final int PORT = 19465;
    private static final String PROCESS_PID = "org.tarsier.probe.process";
    private static final String CONTAINER_PID = "org.tarsier.container";
    private static final String EXPORTER_PID = "org.tarsier.exporter";

    @Inject
    private BundleContext context;

    private Probe probe;

    @Configuration
    public Option[] config() {
        return options(AgentOptions.agent());
    }

    @Before
    public void agentRunning() throws Exception {
        Services.configure(context, EXPORTER_PID, Map.of("address", "127.0.0.1", "port", PORT));
        probe = Services.probe(context, "process");
        Services.awaitState(probe, ProbeState.LOADED, 30_000);
        Metrics.awaitScrape(PORT, 10_000);
        Docker.ensureImage();
    }

    @After
    public void restoreDefaults() throws Exception {
        Services.reset(context, PROCESS_PID);
        Services.reset(context, CONTAINER_PID);
    }

    @Test
    public void rejectedProgramReportedAndAgentKeepsRunning() throws Exception {
        Services.configure(context, PROCESS_PID,
                Map.of("exec.tracepoint", "sched/tarsier_no_such_tracepoint"));
        AgentLog.await(context, LogLevel.INFO, 10_000, "tarsier_no_such_tracepoint");
        probe.unload();

        try {
            probe.load();
            fail("load with a missing tracepoint succeeded");
        } catch (ProbeException e) {
            assertTrue("message: " + e.getMessage(),
                    e.getMessage().contains("sched/tarsier_no_such_tracepoint"));
        }

        assertEquals(ProbeState.FAILED, probe.state());
        assertTrue("last error: " + probe.lastError(),
                probe.lastError().contains("ENOENT"));
        assertTrue("programs left after a failed load: " + probe.programs(),
                probe.programs().isEmpty());
        AgentLog.await(context, LogLevel.ERROR, 5_000, "tarsier_no_such_tracepoint");
        assertTrue("metrics endpoint stopped answering",
                Metrics.scrape(PORT).contains("tarsier_probe_state{probe=\"process\",state=\"FAILED\"} 1.0"));

        Services.reset(context, PROCESS_PID);
        loadWhenReconfigured();
        assertEquals(ProbeState.LOADED, probe.state());
    }

    @Test
    public void missingDockerSocketKeepsRuntimeAndId() throws Exception {
        Services.configure(context, CONTAINER_PID,
                Map.of("dockerSocket", "/nonexistent/tarsier/docker.sock"));
        AgentLog.await(context, LogLevel.WARN, 10_000, "/nonexistent/tarsier/docker.sock");

        ContainerInfo container = containerOfExec("tarsier-itest-nosock-" + System.nanoTime());

        assertEquals("runtime", "docker", container.runtime());
        assertEquals("name without the Docker API", "", container.name());
    }

    @Test
    public void dockerSocketLossAndReturnHandled() throws Exception {
        Path proxyPath = Files.createTempDirectory("tarsier-proxy").resolve("docker.sock");
        try (UnixSocketProxy proxy = new UnixSocketProxy(proxyPath,
                Path.of("/var/run/docker.sock"))) {
            proxy.start();
            Services.configure(context, CONTAINER_PID, Map.of("dockerSocket",
                    proxyPath.toString(), "reconnectMaxSeconds", 1));
            AgentLog.await(context, LogLevel.INFO, 10_000, "connected", proxyPath.toString());
            String before = "tarsier-itest-before-" + System.nanoTime();
            assertEquals("name while connected", before, containerOfExec(before).name());

            proxy.stop();
            AgentLog.await(context, LogLevel.WARN, 10_000, proxyPath.toString());
            ContainerInfo during = containerOfExec("tarsier-itest-during-" + System.nanoTime());
            assertEquals("runtime while the socket is gone", "docker", during.runtime());
            assertEquals("name while the socket is gone", "", during.name());

            proxy.start();
            AgentLog.await(context, LogLevel.INFO, 15_000, "reconnected");
            String after = "tarsier-itest-after-" + System.nanoTime();
            assertEquals("name after reconnect", after, containerOfExec(after).name());
        }
    }

    @Test
    public void invalidConfigurationKeepsPreviousValues() throws Exception {
        Services.configure(context, EXPORTER_PID, Map.of("address", "127.0.0.1", "port", -5));
        Services.configure(context, PROCESS_PID, Map.of("argv.max", 0));

        AgentLog.await(context, LogLevel.ERROR, 10_000, EXPORTER_PID, "port", "-5");
        AgentLog.await(context, LogLevel.ERROR, 10_000, PROCESS_PID, "argv.max");
        assertTrue("metrics endpoint moved or stopped",
                Metrics.scrape(PORT).contains("tarsier_events_total"));
        assertEquals(ProbeState.LOADED, probe.state());
        Services.configure(context, EXPORTER_PID, Map.of("address", "127.0.0.1", "port", PORT));
    }

    /** Loads the probe, retrying while Config Admin still delivers the restored settings. */
    private void loadWhenReconfigured() throws Exception {
        long deadline = System.currentTimeMillis() + 10_000;
        while (true) {
            try {
                probe.load();
                return;
            } catch (ProbeException e) {
                if (System.currentTimeMillis() > deadline) {
                    throw e;
                }
                Thread.sleep(200);
            }
        }
    }

    /** Runs a short-lived container and returns the container of its shell's exec event. */
    private ContainerInfo containerOfExec(String name) throws Exception {
        try (Events events = new Events(context, Topics.PROCESS_EXEC)) {
            String id = Docker.runShortLived(name, "true");
            var execs = events.await(ExecEvent.class, e -> e.container().id().equals(id), 10_000);
            assertFalse("no exec event from container " + id, execs.isEmpty());
            return execs.get(0).container();
        }
    }
}
