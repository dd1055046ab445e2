package org.tarsier.itest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Busybox test containers for the rules tests, with the {@code rulesops} helper mounted at
 * {@link #HELPER_IN_CONTAINER} for the behaviours busybox has no applet for.
 */
final class RulesContainers {

    static final String HELPER_IN_CONTAINER = "/rulesops";

    private static final Path SOURCE = Path.of("src/test/c/rulesops.c").toAbsolutePath();
    private static final Path HELPER = Path.of("target/rulesops").toAbsolutePath();

    private RulesContainers() {
    }

    /** Compiles the helper as a static binary unless it is newer than its source. */
    static synchronized Path helper() throws IOException, InterruptedException {
        if (Files.exists(HELPER) && Files.getLastModifiedTime(HELPER)
                .compareTo(Files.getLastModifiedTime(SOURCE)) >= 0) {
            return HELPER;
        }
        Docker.Result result = Docker.run(List.of("cc", "-static", "-O2", "-Wall", "-o",
                HELPER.toString(), SOURCE.toString()), 120);
        if (result.exitCode() != 0) {
            throw new IOException("failed to compile " + SOURCE + ": " + result.stderr());
        }
        return HELPER;
    }

    /**
     * Runs {@code script} with the image's {@code sh -c} in a container with no network and the
     * helper mounted read-only, and returns the container's full id once it has exited.
     *
     * @param name part of the container name; a unique suffix is added
     * @param dockerArgs further {@code docker run} options, for example more mounts
     */
    static String shell(String name, String script, String... dockerArgs)
            throws IOException, InterruptedException {
        Path cidFile = Files.createTempDirectory("tarsier-cid").resolve("cid");
        List<String> docker = new ArrayList<>(List.of("docker", "run", "--rm", "--network",
                "none", "--label", Docker.LABEL, "--name",
                "tarsier-itest-rules-" + name + "-" + System.nanoTime(),
                "--cidfile", cidFile.toString(),
                "-v", helper() + ":" + HELPER_IN_CONTAINER + ":ro"));
        docker.addAll(List.of(dockerArgs));
        docker.addAll(List.of(Docker.IMAGE, "sh", "-c", script));
        try {
            Docker.Result result = Docker.run(docker, 60);
            if (!Files.exists(cidFile)) {
                throw new IOException("docker run " + name + " failed: " + result.stderr());
            }
            return Files.readString(cidFile).trim();
        } finally {
            Files.deleteIfExists(cidFile);
            Files.deleteIfExists(cidFile.getParent());
        }
    }
}
