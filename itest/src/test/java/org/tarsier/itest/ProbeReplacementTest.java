package org.tarsier.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.ops4j.pax.exam.CoreOptions.options;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

import javax.inject.Inject;

import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Version;
import org.tarsier.api.Topics;
import org.tarsier.api.event.ExecEvent;
import org.tarsier.api.probe.Probe;
import org.tarsier.api.probe.ProbeState;

/**
 * A jar of the process probe copied into the deploy folder updates the built-in probe bundle
 * in place: one bundle, the jar's version, one copy of its BPF programs in the kernel, and exec
 * events still flowing. Removing the jar brings the built-in version back the same way.
 */
@RunWith(PaxExam.class)
public class ProbeReplacementTest implements AgentProbe {

    private static final String SYMBOLIC_NAME = "org.tarsier.probe.process";
    private static final String FILE = "probe-process.jar";
    private static final Version REPLACEMENT = new Version(0, 1, 1);
    private static final long DEPLOY_TIMEOUT_MS = 30_000;

    @Inject
    private BundleContext context;

    private DeployFolder deploy;

    @Configuration
    public Option[] config() {
        return options(AgentOptions.agent());
    }

    @Before
    public void setUp() throws Exception {
        Docker.ensureImage();
        Services.awaitState(Services.probe(context, "process"), ProbeState.LOADED, 30_000);
        deploy = DeployFolder.create(context);
    }

    @After
    public void tearDown() throws Exception {
        if (deploy != null) {
            deploy.close();
        }
    }

    @Test
    public void droppedProbeReplacesBuiltIn() throws Exception {
        Bundle builtIn = deploy.bundle(SYMBOLIC_NAME);
        long id = builtIn.getBundleId();
        Version builtInVersion = builtIn.getVersion();
        List<String> names = programNames(Services.probe(context, "process"));
        Path variant = DeployFolder.withVersion(Path.of(URI.create(builtIn.getLocation())),
                REPLACEMENT.toString());

        try {
            deploy.copy(variant, FILE);
            Bundle replaced = deploy.awaitBundle(SYMBOLIC_NAME,
                    b -> b != null && b.getVersion().equals(REPLACEMENT)
                            && b.getState() == Bundle.ACTIVE, "active at " + REPLACEMENT,
                    DEPLOY_TIMEOUT_MS);
            assertEquals("bundle id after the replacement", id, replaced.getBundleId());
            assertOneLoadedCopy(names);
            assertExecSeen("replacement");

            deploy.remove(FILE);
            Bundle restored = deploy.awaitBundle(SYMBOLIC_NAME,
                    b -> b != null && b.getVersion().equals(builtInVersion)
                            && b.getState() == Bundle.ACTIVE, "active at " + builtInVersion,
                    DEPLOY_TIMEOUT_MS);
            assertEquals("bundle id after the restore", id, restored.getBundleId());
            assertOneLoadedCopy(names);
            assertExecSeen("restore");
        } finally {
            Files.deleteIfExists(variant);
        }
    }

    /** Returns the BPF program names of a loaded probe, as {@code bpftool} lists them. */
    private static List<String> programNames(Probe probe) {
        TreeSet<String> names = new TreeSet<>();
        for (String program : probe.programs()) {
            names.add(program.substring(0, program.indexOf(':')));
        }
        return List.copyOf(names);
    }

    /**
     * Waits for the probe service of the updated bundle to load, then checks that the kernel
     * holds each of the probe's programs once. The test runs under the agent lock, so no other
     * agent on the machine loads programs of these names meanwhile.
     */
    private void assertOneLoadedCopy(List<String> names) throws Exception {
        Probe probe = Services.probe(context, "process");
        Services.awaitState(probe, ProbeState.LOADED, DEPLOY_TIMEOUT_MS);
        Map<String, Integer> expected = new TreeMap<>();
        names.forEach(name -> expected.put(name, 1));
        // The old revision's programs are freed by the kernel shortly after their links close.
        Map<String, Integer> loaded = Kernel.await(() -> copies(names), expected::equals);
        assertEquals("copies of each process probe program in bpftool prog list", expected,
                loaded);
    }

    private static Map<String, Integer> copies(List<String> names)
            throws IOException, InterruptedException {
        Map<String, Integer> copies = new TreeMap<>();
        for (Kernel.Program program : Kernel.programs()) {
            if (names.contains(program.name())) {
                copies.merge(program.name(), 1, Integer::sum);
            }
        }
        return copies;
    }

    private void assertExecSeen(String step) throws Exception {
        try (Events events = new Events(context, Topics.PROCESS_EXEC)) {
            String marker = "tarsier-replacement-" + System.nanoTime();
            Docker.run(List.of("docker", "run", "--rm", "--network", "none", "--label",
                    Docker.LABEL, Docker.IMAGE, "/bin/echo", marker), 60);
            List<ExecEvent> seen = events.await(ExecEvent.class,
                    e -> e.argv().contains(marker), 10_000);
            assertFalse("no exec event for /bin/echo " + marker + " after the " + step,
                    seen.isEmpty());
        }
    }
}
