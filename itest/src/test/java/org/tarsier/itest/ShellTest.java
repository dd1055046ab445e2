package org.tarsier.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.options;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import javax.inject.Inject;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.osgi.framework.BundleContext;
import org.tarsier.api.probe.Probe;
import org.tarsier.api.probe.ProbeState;

/** The shell client drives the running agent through its Unix socket. */
@RunWith(PaxExam.class)
public class ShellTest implements AgentProbe {

    @Inject
    private BundleContext context;

    @Configuration
    public Option[] config() {
        return options(AgentOptions.agent());
    }

    @Test
    public void clientUnloadsAndLoadsProbe() throws Exception {
        Path socket = Path.of("target/shell-test/shell.sock").toAbsolutePath();
        Files.createDirectories(socket.getParent());
        Services.configure(context, "org.tarsier.console", Map.of("socket.path",
                socket.toString()));
        Probe probe = Services.probe(context, "process");
        Services.awaitState(probe, ProbeState.LOADED, 30_000);
        awaitSocket(socket);

        Docker.Result list = shell(socket, "probe:list");
        Docker.Result unload = shell(socket, "probe:unload process");
        ProbeState afterUnload = probe.state();
        Docker.Result load = shell(socket, "probe:load process");
        Docker.Result unknown = shell(socket, "probe:load nosuchprobe");

        assertEquals("probe:list exit code; " + list.stderr(), 0, list.exitCode());
        assertTrue("probe:list output: " + list.stdout(), list.stdout().contains("process"));
        assertEquals("probe:unload exit code; " + unload.stderr(), 0, unload.exitCode());
        assertEquals(ProbeState.UNLOADED, afterUnload);
        assertEquals("probe:load exit code; " + load.stderr(), 0, load.exitCode());
        assertEquals(ProbeState.LOADED, probe.state());
        assertEquals("unknown probe exit code", 1, unknown.exitCode());
        assertTrue("unknown probe message: " + unknown.stdout() + unknown.stderr(),
                (unknown.stdout() + unknown.stderr()).contains("nosuchprobe"));
    }

    private static Docker.Result shell(Path socket, String command) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path client = Path.of(System.getProperty("tarsier.home"), "runtime/bin/ShellClient.java");
        return Docker.run(List.of(java, client.toString(), "--socket", socket.toString(),
                command), 60);
    }

    private static void awaitSocket(Path socket) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 10_000;
        while (!Files.exists(socket)) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("shell socket " + socket + " did not appear");
            }
            Thread.sleep(100);
        }
    }
}
