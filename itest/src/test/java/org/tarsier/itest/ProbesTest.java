package org.tarsier.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.options;

import java.util.List;

import javax.inject.Inject;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.osgi.framework.BundleContext;
import org.tarsier.api.Topics;
import org.tarsier.api.event.FileEvent;
import org.tarsier.api.event.FileOperation;
import org.tarsier.api.event.SyscallCountEvent;
import org.tarsier.api.event.SyscallEvent;
import org.tarsier.api.probe.Probe;
import org.tarsier.api.probe.ProbeState;

/** The syscall and file probes run in the agent and attribute a container's activity to it. */
@RunWith(PaxExam.class)
public class ProbesTest implements AgentProbe {

    @Inject
    private BundleContext context;

    @Configuration
    public Option[] config() {
        return options(AgentOptions.agent());
    }

    @Test
    public void everyProbeLoads() throws Exception {
        for (String name : List.of("process", "syscall", "file", "tcp")) {
            Probe probe = Services.probe(context, name);
            Services.awaitState(probe, ProbeState.LOADED, 60_000);
            assertFalse(name + " lists no program", probe.programs().isEmpty());
        }
    }

    @Test
    public void containerFileAndSyscallEventsSeen() throws Exception {
        Services.awaitState(Services.probe(context, "file"), ProbeState.LOADED, 60_000);
        Services.awaitState(Services.probe(context, "syscall"), ProbeState.LOADED, 60_000);
        Docker.ensureImage();
        String name = "tarsier-itest-probes-" + System.nanoTime();
        try (Events events = new Events(context, Topics.EVENT_PREFIX + "*")) {
            String id = Docker.runShortLived(name,
                    "cd /etc && echo x > hosts.new && ln -s /etc/shadow /tmp/s"
                            + " && unshare -n true; sleep 2");

            List<FileEvent> writes = events.await(FileEvent.class, e -> e.container().id()
                    .equals(id) && e.path().equals("/etc/hosts.new"), 10_000);
            List<FileEvent> links = events.await(FileEvent.class, e -> e.container().id()
                    .equals(id) && e.operation() == FileOperation.SYMLINK
                    && e.targetPath().equals("/etc/shadow"), 10_000);
            List<SyscallEvent> unshares = events.await(SyscallEvent.class, e -> e.container()
                    .id().equals(id) && e.name().equals("unshare"), 10_000);
            List<SyscallCountEvent> counts = events.await(SyscallCountEvent.class, e -> e
                    .container().id().equals(id) && e.total() > 0, 10_000);

            assertFalse("no open of /etc/hosts.new from " + id, writes.isEmpty());
            assertEquals(FileOperation.OPEN, writes.get(0).operation());
            assertTrue("open without write intent", writes.get(0).writeIntent());
            assertFalse("no symlink from " + id, links.isEmpty());
            assertEquals("/tmp/s", links.get(0).path());
            assertEquals("/etc/shadow", links.get(0).targetPath());
            assertFalse("no unshare event from " + id, unshares.isEmpty());
            assertTrue("unshare without the container's permission succeeded",
                    unshares.get(0).failed());
            assertEquals("EPERM", unshares.get(0).error());
            assertFalse("no syscall counts for " + id, counts.isEmpty());
            assertEquals("image", Docker.IMAGE, counts.get(0).container().image());
        }
    }
}
