package org.tarsier.deploy;

import java.nio.file.Path;
import java.util.List;

/**
 * What a deployment of the agent needs from the host: the capabilities and host paths that the
 * DaemonSet grants and that the image test grants to the agent container. The manifest test
 * checks the DaemonSet against these lists, and the image test runs the agent with them.
 */
final class Deployment {

    /** Capabilities the agent container keeps, in Docker's and Kubernetes' spelling. */
    static final List<String> CAPABILITIES = List.of(
            "BPF", "PERFMON", "SYS_RESOURCE", "SYS_ADMIN", "SYS_PTRACE", "DAC_READ_SEARCH");

    /** Host paths the agent reads, mounted at the same path in the container. */
    static final List<String> HOST_PATHS = List.of(
            "/sys/kernel/btf", "/sys/kernel/tracing", "/sys/fs/cgroup");

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
