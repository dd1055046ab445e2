package org.tarsier.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.options;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import javax.inject.Inject;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.osgi.framework.BundleContext;
import org.tarsier.api.Topics;
import org.tarsier.api.event.ExecEvent;
import org.tarsier.api.probe.Probe;
import org.tarsier.api.probe.ProbeState;

/** Unloading a probe leaves nothing in the kernel or the JVM, and loading it brings events back. */
@RunWith(PaxExam.class)
public class ProbeLifecycleTest {

    private static final int CYCLES = 50;

    @Inject
    private BundleContext context;

    @Configuration
    public Option[] config() {
        return options(AgentOptions.agent());
    }

    @Test
    public void unloadRemovesProgramsMapsAndLinks() throws Exception {
        Probe probe = Services.probe(context, "process");
        Services.awaitState(probe, ProbeState.LOADED, 30_000);
        Set<Integer> loadedPrograms = Kernel.programIds();
        Set<Integer> loadedMaps = Kernel.mapIds();

        probe.unload();
        // The kernel frees maps from a work queue after their last program is gone.
        Set<Integer> probePrograms = Kernel.await(
                () -> difference(loadedPrograms, Kernel.programIds()), s -> !s.isEmpty());
        Set<Integer> probeMaps = Kernel.await(
                () -> difference(loadedMaps, Kernel.mapIds()), s -> !s.isEmpty());

        assertEquals(ProbeState.UNLOADED, probe.state());
        assertFalse("unload removed no program", probePrograms.isEmpty());
        assertFalse("unload removed no map", probeMaps.isEmpty());
        assertTrue("programs left: " + probe.programs(), probe.programs().isEmpty());

        probe.load();
        Services.awaitState(probe, ProbeState.LOADED, 30_000);
        assertExecSeen();
    }

    @Test
    public void loadUnloadCyclesLeakNothing() throws Exception {
        Probe probe = Services.probe(context, "process");
        Services.awaitState(probe, ProbeState.LOADED, 30_000);
        probe.unload();
        // Give the kernel time to free the maps of the unload just done before the baseline.
        Thread.sleep(2000);
        Set<Integer> programsBefore = Kernel.programIds();
        Set<Integer> mapsBefore = Kernel.mapIds();
        Set<Integer> linksBefore = Kernel.linkIds();

        // One cycle first, so lazily created JVM state (class loading, FFM stubs) is not counted.
        probe.load();
        probe.unload();
        long fdsBefore = Kernel.openFileDescriptors();
        long threadsBefore = Kernel.threads();
        long heapBefore = heapAfterGc();

        for (int i = 0; i < CYCLES; i++) {
            probe.load();
            assertEquals("state after load " + i, ProbeState.LOADED, probe.state());
            probe.unload();
        }

        assertEquals("BPF programs", programsBefore,
                Kernel.await(Kernel::programIds, programsBefore::equals));
        assertEquals("BPF maps", mapsBefore, Kernel.await(Kernel::mapIds, mapsBefore::equals));
        assertEquals("BPF links", linksBefore, Kernel.await(Kernel::linkIds, linksBefore::equals));
        // Other parts of the JVM may close a file or end a thread meanwhile; only growth counts.
        long fdsAfter = Kernel.openFileDescriptors();
        assertTrue("open file descriptors grew from " + fdsBefore + " to " + fdsAfter,
                fdsAfter <= fdsBefore);
        long threadsAfter = Kernel.threads();
        assertTrue("threads grew from " + threadsBefore + " to " + threadsAfter,
                threadsAfter <= threadsBefore);
        long heapGrowth = heapAfterGc() - heapBefore;
        assertTrue("heap grew by " + heapGrowth + " bytes over " + CYCLES + " cycles",
                heapGrowth < 4L * 1024 * 1024);

        probe.load();
        assertExecSeen();
    }

    private void assertExecSeen() throws Exception {
        try (Events events = new Events(context, Topics.PROCESS_EXEC)) {
            String marker = "tarsier-lifecycle-" + System.nanoTime();
            Docker.run(List.of("/bin/sh", "-c", "/bin/echo " + marker), 30);
            List<ExecEvent> seen = events.await(ExecEvent.class,
                    e -> e.argv().contains(marker), 10_000);
            assertFalse("no exec event for /bin/echo " + marker + " after load", seen.isEmpty());
        }
    }

    private static Set<Integer> difference(Set<Integer> a, Set<Integer> b) {
        Set<Integer> result = new HashSet<>(a);
        result.removeAll(b);
        return result;
    }

    private static long heapAfterGc() throws InterruptedException {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return memory.getHeapMemoryUsage().getUsed();
    }
}
