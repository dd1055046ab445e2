package org.tarsier.deploy;

import java.nio.file.Path;
import java.util.List;

/**
 * Settings the DaemonSet gives the agent container: capabilities, host paths and JVM options.
 * The manifest test checks the DaemonSet against them, and the image test runs the agent with
 * them.
 */
final class Deployment {

    /** Capabilities the agent container keeps, in Docker's and Kubernetes' spelling. */
    static final List<String> CAPABILITIES = List.of("BPF", "PERFMON", "SYS_PTRACE",
            "SYS_RESOURCE");

    /**
     * Capability that replaces BPF and PERFMON where the container runtime does not know them,
     * because the kernel allows what they allow to CAP_SYS_ADMIN too.
     */
    static final String BPF_FALLBACK = "SYS_ADMIN";

    /** Host paths the agent reads, mounted at the same path in the container. */
    static final List<String> HOST_PATHS = List.of(
            "/sys/kernel/btf", "/sys/kernel/tracing", "/sys/fs/cgroup");

    /** JVM options of the DaemonSet's agent container, set through JAVA_OPTS. */
    static final String JAVA_OPTS = "-Xmx256m -XX:+ExitOnOutOfMemoryError";

    /** Folder of the agent's configuration files in the image. */
    static final String CONFIG_DIR = "/etc/tarsier";

    /** Working folder of the agent in the image. */
    static final String DATA_DIR = "/var/lib/tarsier";

    private Deployment() {
    }

    /** Returns the repository's root folder, which the build passes as tarsier.home. */
    static Path home() {
        String home = System.getProperty("tarsier.home");
        if (home == null) {
            throw new IllegalStateException("system property tarsier.home is not set; run the"
                    + " tests through Maven");
        }
        return Path.of(home);
    }

    /** Returns the image the build produces, tarsier/agent:VERSION. */
    static String image() {
        return "tarsier/agent:" + System.getProperty("tarsier.version", "0.1.0-SNAPSHOT");
    }
}
