package org.tarsier.probe.tcp.internal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs busybox containers with the tcpctl helper mounted at /tcpctl. Every container carries
 * {@link #LABEL} and is started with {@code --rm}.
 */
final class TestContainers {

    static final String IMAGE = "tarsier/busybox:dev";
    static final String LABEL = "tarsier.test=probe-tcp";

    private static final Path HELPER_SOURCE = Path.of("src/test/c/tcpctl.c");
    private static final Path HELPER = Path.of("target/test-helpers/tcpctl");
    private static final long TIMEOUT_SECONDS = 60;

    private TestContainers() {
    }

    /** Output of a finished container. */
    record Run(String id, int exitCode, String output) {
    }

    /** Builds the image and the static helper unless they exist. */
    static synchronized void prepare() throws IOException, InterruptedException {
        ensureImage();
        if (!Files.exists(HELPER)) {
            Files.createDirectories(HELPER.getParent());
            run(List.of("gcc", "-static", "-O2", "-Wall", "-o", HELPER.toString(),
                    HELPER_SOURCE.toString()), "compiling the tcpctl helper");
        }
    }

    /**
     * Runs {@code /tcpctl ARGS} in a new container and waits for it to exit.
     *
     * @param dockerOptions options such as {@code --network none} before the image
     */
    static Run run(List<String> dockerOptions, String... helperArguments)
            throws IOException, InterruptedException {
        Path cidFile = Files.createTempDirectory("tarsier-tcp-cid").resolve("cid");
        try {
            Process process = start(dockerOptions, cidFile, helperArguments);
            String output = new String(process.getInputStream().readAllBytes(),
                    StandardCharsets.UTF_8);
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException("container " + List.of(helperArguments) + " timed out");
            }
            return new Run(Files.readString(cidFile).strip(), process.exitValue(), output);
        } finally {
            Files.deleteIfExists(cidFile);
            Files.deleteIfExists(cidFile.getParent());
        }
    }

    /**
     * Runs {@code /tcpctl ARGS} in a new container, waits until it prints {@code ready}, runs
     * {@code action}, then waits for the container to exit.
     */
    static Run runServer(List<String> dockerOptions, ThrowingRunnable action,
            String... helperArguments) throws Exception {
        Path cidFile = Files.createTempDirectory("tarsier-tcp-cid").resolve("cid");
        try {
            Process process = start(dockerOptions, cidFile, helperArguments);
            BufferedReader reader = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            String first = reader.readLine();
            if (!"ready".equals(first)) {
                process.destroyForcibly();
                throw new IOException("container server did not start: " + first);
            }
            action.run();
            StringBuilder output = new StringBuilder(first).append('\n');
            reader.lines().forEach(line -> output.append(line).append('\n'));
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException("container " + List.of(helperArguments) + " timed out");
            }
            return new Run(Files.readString(cidFile).strip(), process.exitValue(),
                    output.toString());
        } finally {
            Files.deleteIfExists(cidFile);
            Files.deleteIfExists(cidFile.getParent());
        }
    }

    /** An action that may throw. */
    @FunctionalInterface
    interface ThrowingRunnable {
        void run() throws Exception;
    }

    private static Process start(List<String> dockerOptions, Path cidFile,
            String... helperArguments) throws IOException {
        List<String> command = new ArrayList<>(List.of("docker", "run", "--rm", "--label",
                LABEL, "--cidfile", cidFile.toString(), "-v",
                HELPER.toAbsolutePath() + ":/tcpctl:ro"));
        command.addAll(dockerOptions);
        command.add(IMAGE);
        command.add("/tcpctl");
        command.addAll(List.of(helperArguments));
        return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
    }

    private static void ensureImage() throws IOException, InterruptedException {
        Process inspect = new ProcessBuilder("docker", "image", "inspect", IMAGE)
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        if (inspect.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS) && inspect.exitValue() == 0) {
            return;
        }
        Path rootfs = Files.createTempDirectory("tarsier-busybox");
        String script = "set -e; mkdir -p \"$1/bin\" \"$1/etc\" \"$1/tmp\" \"$1/mnt\";"
                + " cp /bin/busybox \"$1/bin/busybox\";"
                + " for applet in $(\"$1/bin/busybox\" --list); do"
                + " [ \"$applet\" = busybox ] || ln -s busybox \"$1/bin/$applet\"; done;"
                + " tar -C \"$1\" -c . | docker import -c 'ENV PATH=/bin'"
                + " -c 'LABEL " + LABEL + "' - " + IMAGE + ";"
                + " rm -rf \"$1\"";
        run(List.of("sh", "-c", script, "build-busybox", rootfs.toString()),
                "building " + IMAGE);
    }

    private static void run(List<String> command, String description)
            throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(),
                StandardCharsets.UTF_8);
        if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new IOException(description + " failed: " + output);
        }
    }
}
