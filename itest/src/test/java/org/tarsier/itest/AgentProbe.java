package org.tarsier.itest;

import org.ops4j.pax.exam.ProbeBuilder;
import org.ops4j.pax.exam.TestProbeBuilder;
import org.osgi.framework.Constants;

/**
 * Test probe settings that import the agent's packages statically.
 *
 * <p>By default the Pax Exam probe gets every package through a dynamic import at its first class
 * load. One test run failed with a {@code ClassNotFoundException} for an exported API class loaded
 * that way, 3 s after the framework started. NOTE: the cause was not found. Static imports are
 * wired when the probe resolves, before the first test, so a late import cannot fail.
 */
public interface AgentProbe {

    /** Packages of the agent's bundles that the tests use. */
    String IMPORTS = String.join(",",
            "org.tarsier.api",
            "org.tarsier.api.alert",
            "org.tarsier.api.container",
            "org.tarsier.api.detector",
            "org.tarsier.api.event",
            "org.tarsier.api.feature",
            "org.tarsier.api.probe",
            "org.osgi.framework",
            "org.osgi.service.cm",
            "org.osgi.service.event",
            "org.osgi.service.log",
            "org.osgi.util.tracker");

    /** Adds the static imports. Pax Exam calls the test class's public methods so annotated. */
    @ProbeBuilder
    default TestProbeBuilder importAgentPackages(TestProbeBuilder probe) {
        probe.setHeader(Constants.IMPORT_PACKAGE, IMPORTS);
        return probe;
    }
}
