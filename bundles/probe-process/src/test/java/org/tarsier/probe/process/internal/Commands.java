package org.tarsier.probe.process.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Runs host commands for the kernel tests, with a time limit. */
final class Commands {

    static final String BUSYBOX_IMAGE = "tarsier/busybox:dev";
    static final String TEST_LABEL = "tarsier.test=probe-process";

    private Commands() {
    }

    /** Runs a command and returns its exit status; fails if it runs longer than 60 s. */
    static int run(Path directory, String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).directory(directory.toFile())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("timed out: " + String.join(" ", command));
        }
        return process.exitValue();
    }

    /** Runs a command and returns its standard output; fails on a non-zero exit status. */
    static String output(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new IllegalStateException("failed: " + String.join(" ", command));
        }
        return new String(output, StandardCharsets.UTF_8);
    }

    /** Builds the busybox image from the host's static busybox unless it exists. */
    static void ensureBusyboxImage() throws IOException, InterruptedException {
        Path workingDirectory = Path.of(".");
        if (run(workingDirectory, "docker", "image", "inspect", BUSYBOX_IMAGE) == 0) {
            return;
        }
        Path rootfs = Files.createTempDirectory("tarsier-busybox");
        String script = "set -e; mkdir -p \"$1/bin\" \"$1/etc\" \"$1/tmp\" \"$1/mnt\"; cp /bin/busybox \"$1/bin/busybox\";"
                + " for applet in $(\"$1/bin/busybox\" --list); do"
                + " [ \"$applet\" = busybox ] || ln -s busybox \"$1/bin/$applet\"; done;"
                + " tar -C \"$1\" -c . | docker import -c 'ENV PATH=/bin'"
                + " -c 'LABEL " + TEST_LABEL + "' - " + BUSYBOX_IMAGE + ";"
                + " rm -rf \"$1\"";
        int status = run(workingDirectory, "sh", "-c", script, "build-busybox", rootfs.toString());
        if (status != 0) {
            throw new IllegalStateException("building " + BUSYBOX_IMAGE + " failed: " + status);
        }
    }
}
