package org.tarsier.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.options;

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
import org.tarsier.api.container.ContainerInfo;
import org.tarsier.api.event.Event;
import org.tarsier.api.event.ExecEvent;
import org.tarsier.api.event.ExitEvent;
import org.tarsier.api.event.ForkEvent;
import org.tarsier.api.probe.ProbeState;

/** The process probe attributes exec, fork and exit events to real, short-lived containers. */
@RunWith(PaxExam.class)
public class ProcessProbeTest implements AgentProbe {

    @Inject
    private BundleContext context;

    @Configuration
    public Option[] config() {
        return options(AgentOptions.agent());
    }

    @Before
    public void probeLoaded() throws Exception {
        Services.awaitState(Services.probe(context, "process"), ProbeState.LOADED, 30_000);
        Docker.ensureImage();
    }

    @Test
    public void shortLivedContainerExecsCarryContainer() throws Exception {
        String name = "tarsier-itest-exec-" + System.nanoTime();
        try (Events events = new Events(context, Topics.EVENT_PREFIX + "process/*")) {
            String id = Docker.runShortLived(name, "cat /etc/hostname");

            // busybox's shell runs applets such as cat by exec of /proc/self/exe with argv[0]
            // set to the applet name, so argv[0] rather than the filename names the program.
            List<ExecEvent> shells = events.await(ExecEvent.class,
                    e -> e.container().id().equals(id) && argv0(e).equals("sh"), 10_000);
            List<ExecEvent> cats = events.await(ExecEvent.class,
                    e -> e.container().id().equals(id) && argv0(e).equals("cat"), 10_000);

            assertFalse("no exec of sh in container " + id, shells.isEmpty());
            assertFalse("no exec of cat in container " + id, cats.isEmpty());
            for (ExecEvent exec : List.of(shells.get(0), cats.get(0))) {
                ContainerInfo container = exec.container();
                assertEquals("runtime", "docker", container.runtime());
                assertEquals("name", name, container.name());
                assertEquals("image", Docker.IMAGE, container.image());
                assertEquals("label", "true", container.labels().get("org.tarsier.itest"));
            }
            assertEquals(List.of("cat", "/etc/hostname"), cats.get(0).argv());
            assertEquals("/bin/sh", shells.get(0).filename());
            assertEquals("/", cats.get(0).cwd());
            assertEquals("docker/" + id, cats.get(0).cgroupPath());
        }
    }

    @Test
    public void containerForkAndExitSeen() throws Exception {
        String name = "tarsier-itest-exit-" + System.nanoTime();
        try (Events events = new Events(context, Topics.EVENT_PREFIX + "process/*")) {
            String id = Docker.runShortLived(name, "sh -c 'exit 7'; true");

            List<ExitEvent> exits = events.await(ExitEvent.class,
                    e -> e.container().id().equals(id) && e.exitCode() == 7, 10_000);
            List<ForkEvent> forks = events.await(ForkEvent.class,
                    e -> e.container().id().equals(id), 10_000);

            assertFalse("no exit with code 7 in container " + id, exits.isEmpty());
            assertEquals("signal", 0, exits.get(0).signal());
            assertFalse("no fork in container " + id, forks.isEmpty());
        }
    }

    private static String argv0(ExecEvent exec) {
        return exec.argv().isEmpty() ? "" : exec.argv().get(0);
    }

    @Test
    public void hostProcessMarkedHost() throws Exception {
        String marker = "tarsier-host-" + System.nanoTime();
        try (Events events = new Events(context, Topics.PROCESS_EXEC)) {
            Docker.run(List.of("/bin/sh", "-c", "/bin/echo " + marker), 30);

            List<ExecEvent> execs = events.await(ExecEvent.class,
                    e -> e.argv().contains(marker), 10_000);

            assertFalse("no exec of /bin/echo " + marker, execs.isEmpty());
            Event exec = execs.get(0);
            assertTrue("host exec attributed to " + exec.container(), exec.container().isHost());
        }
    }
}
