package org.tarsier.itest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the docker command line against the host's engine, for tests that need real containers.
 *
 * <p>Every container started here carries the label {@code org.tarsier.itest=true} so that a
 * crashed run's leftovers can be told apart from other containers.
 */
final class Docker {

    static final String IMAGE = "tarsier/busybox:dev";
    static final String LABEL = "org.tarsier.itest=true";

    private Docker() {
    }

    /** Builds {@link #IMAGE} from the host's busybox-static binary unless it exists. */
    static synchronized void ensureImage() throws IOException, InterruptedException {
        if (run(List.of("docker", "image", "inspect", IMAGE), 30).exitCode() == 0) {
            return;
        }
        Path root = Files.createTempDirectory("tarsier-rootfs");
        Path bin = Files.createDirectories(root.resolve("bin"));
        Files.createDirectories(root.resolve("etc"));
        Files.createDirectories(root.resolve("tmp"));
        Files.createDirectories(root.resolve("mnt"));
        Files.copy(Path.of("/bin/busybox"), bin.resolve("busybox"));
        for (String applet : run(List.of("/bin/busybox", "--list"), 30).stdout().split("\n")) {
            if (!applet.isBlank() && !applet.equals("busybox")) {
                Files.createSymbolicLink(bin.resolve(applet), Path.of("busybox"));
            }
        }
        Files.writeString(root.resolve("etc/hostname"), "tarsier-test\n");
        Result result = run(List.of("sh", "-c", "tar -C '" + root + "' -c . | docker import"
                + " --change 'ENV PATH=/bin' - " + IMAGE), 120);
        if (result.exitCode() != 0) {
            throw new IOException("docker import of " + IMAGE + " failed: " + result.stderr());
        }
    }

    /** Runs a command and returns its exit code and output, killing it after the timeout. */
    static Result run(List<String> command, long timeoutSeconds)
            throws IOException, InterruptedException {
        Path out = Files.createTempFile("tarsier-cmd", ".out");
        Path err = Files.createTempFile("tarsier-cmd", ".err");
        try {
            Process process = new ProcessBuilder(command)
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                    .start();
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException(command + " timed out after " + timeoutSeconds + " s");
            }
            return new Result(process.exitValue(),
                    Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /**
     * Runs a short-lived container with {@code --rm --network none} and returns its full id.
     *
     * @param name container name
     * @param script shell script run by the image's {@code sh -c}
     */
    static String runShortLived(String name, String script, String... extraArgs)
            throws IOException, InterruptedException {
        Path cidFile = Files.createTempDirectory("tarsier-cid").resolve("cid");
        List<String> command = new ArrayList<>(List.of("docker", "run", "--rm", "--network",
                "none", "--label", LABEL, "--name", name, "--cidfile", cidFile.toString()));
        command.addAll(List.of(extraArgs));
        command.addAll(List.of(IMAGE, "sh", "-c", script));
        Result result = run(command, 60);
        if (result.exitCode() != 0) {
            throw new IOException("docker run " + name + " failed: " + result.stderr());
        }
        return Files.readString(cidFile).trim();
    }

    /** Output of a finished command. */
    record Result(int exitCode, String stdout, String stderr) {
    }
}
