package org.tarsier.container.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the docker command line for tests: builds the busybox test image when it is missing and
 * starts containers that carry this module's test label, so that only they are removed.
 */
final class DockerCli {

    static final String IMAGE = "tarsier/busybox:dev";
    static final String TEST_LABEL = "org.tarsier.test=container-meta";

    private final List<String> started = new ArrayList<>();

    /** Imports the test image from the host's static busybox unless it exists. */
    static void ensureImage() throws IOException, InterruptedException {
        if (run(List.of("docker", "image", "inspect", IMAGE)).exitCode() == 0) {
            return;
        }
        Path rootfs = Files.createTempDirectory("tarsier-busybox");
        Path bin = Files.createDirectories(rootfs.resolve("bin"));
        for (String folder : List.of("etc", "tmp", "mnt")) {
            Files.createDirectories(rootfs.resolve(folder));
        }
        Files.copy(Path.of("/bin/busybox"), bin.resolve("busybox"));
        // every applet, as the other modules' tests build the same image and may find this one
        Result applets = run(List.of("/bin/busybox", "--list"));
        for (String applet : applets.output().split("\n")) {
            if (!applet.isBlank() && !applet.equals("busybox")) {
                Files.createSymbolicLink(bin.resolve(applet.strip()), Path.of("busybox"));
            }
        }
        Result imported = run(List.of("sh", "-c", "tar -C '" + rootfs + "' -c . | docker import"
                + " -c 'ENV PATH=/bin' - " + IMAGE));
        if (imported.exitCode() != 0) {
            throw new IOException("docker import of " + IMAGE + " failed: " + imported.output());
        }
    }

    /** Starts a detached container with the test label and returns its full id. */
    String runDetached(List<String> labels, String... command)
            throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of("docker", "run", "-d", "--network", "none",
                "--label", TEST_LABEL));
        for (String label : labels) {
            args.add("--label");
            args.add(label);
        }
        args.add(IMAGE);
        args.addAll(List.of(command));
        Result result = run(args);
        if (result.exitCode() != 0) {
            throw new IOException("docker run failed: " + result.output());
        }
        String id = result.output().strip();
        started.add(id);
        return id;
    }

    /** Returns the container's name as docker inspect reports it, without the slash. */
    String name(String id) throws IOException, InterruptedException {
        return inspect(id, "{{.Name}}").substring(1);
    }

    /** Waits until the container exits. */
    void waitExit(String id) throws IOException, InterruptedException {
        run(List.of("docker", "wait", id));
    }

    void remove(String id) throws IOException, InterruptedException {
        run(List.of("docker", "rm", "-f", id));
    }

    /** Removes every container this instance started. */
    void removeStarted() throws IOException, InterruptedException {
        for (String id : started) {
            remove(id);
        }
        started.clear();
    }

    private static String inspect(String id, String format)
            throws IOException, InterruptedException {
        Result result = run(List.of("docker", "inspect", "-f", format, id));
        if (result.exitCode() != 0) {
            throw new IOException("docker inspect failed: " + result.output());
        }
        return result.output().strip();
    }

    private record Result(int exitCode, String output) {
    }

    private static Result run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IOException("timed out: " + command);
        }
        return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8));
    }
}
