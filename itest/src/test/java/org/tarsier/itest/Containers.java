package org.tarsier.itest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Short-lived test containers of {@link Docker#IMAGE} with no network, labelled
 * {@link Docker#LABEL} and removed when they exit.
 */
final class Containers {

    private Containers() {
    }

    /**
     * Runs {@code command} as the container's entrypoint, without a shell, and returns the
     * container's full id once it has exited.
     *
     * @param name prefix of the container name; a unique suffix is added
     */
    static String run(String name, String... command) throws IOException, InterruptedException {
        Path cidFile = Files.createTempDirectory("tarsier-cid").resolve("cid");
        List<String> docker = new ArrayList<>(List.of("docker", "run", "--rm", "--network",
                "none", "--label", Docker.LABEL, "--name", name + "-" + System.nanoTime(),
                "--cidfile", cidFile.toString(), Docker.IMAGE));
        docker.addAll(List.of(command));
        Docker.Result result = Docker.run(docker, 60);
        if (!Files.exists(cidFile)) {
            throw new IOException("docker run " + name + " failed: " + result.stderr());
        }
        return Files.readString(cidFile).trim();
    }

    /** Runs {@code script} with the image's {@code sh -c}; the script's exit code is ignored. */
    static String shell(String name, String script) throws IOException, InterruptedException {
        return run("tarsier-itest-rules-" + name, "sh", "-c", script);
    }
}
