package org.tarsier.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.options;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

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
public class ProbeLifecycleTest implements AgentProbe {

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
        probe.unload();
        Set<Integer> existing = Kernel.programIds();
        probe.load();
        Set<Integer> programIds = new HashSet<>();
        Set<Integer> mapIds = new HashSet<>();
        Set<Integer> linkIds = new HashSet<>();
        recordProbeObjects(probe, existing, programIds, mapIds, linkIds);

        probe.unload();

        assertEquals(ProbeState.UNLOADED, probe.state());
        assertTrue("programs listed after unload: " + probe.programs(),
                probe.programs().isEmpty());
        assertFalse("the probe's maps were not found", mapIds.isEmpty());
        assertFalse("the probe's links were not found", linkIds.isEmpty());
        // The kernel frees maps from a work queue after their last program is gone.
        assertEquals("BPF programs left", Set.of(), Kernel.await(
                () -> intersection(programIds, Kernel.programIds()), Set::isEmpty));
        assertEquals("BPF maps left", Set.of(), Kernel.await(
                () -> intersection(mapIds, Kernel.mapIds()), Set::isEmpty));
        assertEquals("BPF links left", Set.of(), Kernel.await(
                () -> intersection(linkIds, Kernel.linkIds()), Set::isEmpty));

        probe.load();
        Services.awaitState(probe, ProbeState.LOADED, 30_000);
        assertExecSeen();
    }

    @Test
    public void loadUnloadCyclesLeakNothing() throws Exception {
        Probe probe = Services.probe(context, "process");
        Services.awaitState(probe, ProbeState.LOADED, 30_000);
        probe.unload();

        // One cycle first, so lazily created JVM state (class loading, FFM stubs) is not counted.
        probe.load();
        probe.unload();
        Map<String, String> filesBefore = Kernel.openFiles();
        long threadsBefore = Kernel.threads();
        long heapBefore = heapAfterGc();

        // Other processes on the host may load BPF programs meanwhile, so the check follows the
        // ids this probe created: programs named like the probe's that appeared after its load.
        Set<Integer> programIds = new HashSet<>();
        Set<Integer> mapIds = new HashSet<>();
        Set<Integer> linkIds = new HashSet<>();
        for (int i = 0; i < CYCLES; i++) {
            Set<Integer> existing = Kernel.programIds();
            probe.load();
            assertEquals("state after load " + i, ProbeState.LOADED, probe.state());
            recordProbeObjects(probe, existing, programIds, mapIds, linkIds);
            probe.unload();
        }

        assertFalse("no program of the probe was seen", programIds.isEmpty());
        assertEquals("BPF programs left", Set.of(), Kernel.await(
                () -> intersection(programIds, Kernel.programIds()), Set::isEmpty));
        assertEquals("BPF maps left", Set.of(), Kernel.await(
                () -> intersection(mapIds, Kernel.mapIds()), Set::isEmpty));
        assertEquals("BPF links left", Set.of(), Kernel.await(
                () -> intersection(linkIds, Kernel.linkIds()), Set::isEmpty));
        // Other parts of the JVM may open a file for a moment, or close one or end a thread
        // meanwhile, so only growth that lasts counts.
        Map<String, String> filesAfter = Kernel.await(Kernel::openFiles,
                files -> files.size() <= filesBefore.size());
        assertTrue("open file descriptors grew from " + filesBefore.size() + " to "
                + filesAfter.size() + ", new or changed: " + changed(filesBefore, filesAfter),
                filesAfter.size() <= filesBefore.size());
        long threadsAfter = Kernel.threads();
        assertTrue("threads grew from " + threadsBefore + " to " + threadsAfter,
                threadsAfter <= threadsBefore);
        long heapGrowth = heapAfterGc() - heapBefore;
        assertTrue("heap grew by " + heapGrowth + " bytes over " + CYCLES + " cycles",
                heapGrowth < 4L * 1024 * 1024);

        probe.load();
        assertExecSeen();
    }

    private static void recordProbeObjects(Probe probe, Set<Integer> existing,
            Set<Integer> programIds, Set<Integer> mapIds, Set<Integer> linkIds) throws Exception {
        Set<String> names = new HashSet<>();
        for (String program : probe.programs()) {
            names.add(program.substring(0, program.indexOf(':')));
        }
        Set<Integer> created = new HashSet<>();
        for (Kernel.Program program : Kernel.programs()) {
            if (!existing.contains(program.id()) && names.contains(program.name())) {
                created.add(program.id());
                mapIds.addAll(program.mapIds());
            }
        }
        assertEquals("programs created by one load", names.size(), created.size());
        programIds.addAll(created);
        linkIds.addAll(Kernel.linksOf(created));
    }

    private static Map<String, String> changed(Map<String, String> before,
            Map<String, String> after) {
        Map<String, String> changed = new TreeMap<>(after);
        changed.entrySet().removeIf(entry -> entry.getValue().equals(before.get(entry.getKey())));
        return changed;
    }

    private static Set<Integer> intersection(Set<Integer> a, Set<Integer> b) {
        Set<Integer> result = new HashSet<>(a);
        result.retainAll(b);
        return result;
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

    private static long heapAfterGc() throws InterruptedException {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return memory.getHeapMemoryUsage().getUsed();
    }
}
