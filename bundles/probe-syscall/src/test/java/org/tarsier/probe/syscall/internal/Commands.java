package org.tarsier.probe.syscall.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs host commands for the kernel tests, with a time limit. */
final class Commands {

    static final String BUSYBOX_IMAGE = "tarsier/busybox:dev";
    static final String TEST_LABEL = "tarsier.test=probe-syscall";
    static final String HELPER_SOURCE = "src/test/c/sc-helper.c";

    private Commands() {
    }

    /** The output and exit status of a command. */
    record Output(int status, String text) {
    }

    /** Runs a command and returns its exit status and its standard output and error. */
    static Output run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("timed out: " + String.join(" ", command));
        }
        return new Output(process.exitValue(), new String(output, StandardCharsets.UTF_8));
    }

    /** Runs a command and fails unless it exits with status 0. */
    static String check(String... command) throws IOException, InterruptedException {
        Output output = run(command);
        if (output.status() != 0) {
            throw new IllegalStateException("failed with status " + output.status() + ": "
                    + String.join(" ", command) + "\n" + output.text());
        }
        return output.text();
    }

    /** Compiles the static test helper into the build directory when its source is newer. */
    static synchronized Path helper() throws IOException, InterruptedException {
        Path binary = Path.of("target", "sc-helper").toAbsolutePath();
        if (!Files.exists(binary) || Files.getLastModifiedTime(binary)
                .compareTo(Files.getLastModifiedTime(Path.of(HELPER_SOURCE))) < 0) {
            check("gcc", "-static", "-O1", "-Wall", "-o", binary.toString(), HELPER_SOURCE);
        }
        return binary;
    }

    /**
     * Runs the helper as the only process of a new unprivileged container and returns the
     * container id and the helper's output. The container is removed afterwards.
     */
    static Output runHelper(String... arguments) throws IOException, InterruptedException {
        ensureBusyboxImage();
        Path helper = helper();
        Path cidFile = Files.createTempDirectory("tarsier-syscall").resolve("cid");
        try {
            List<String> command = new ArrayList<>(List.of("docker", "run", "--rm",
                    "--network", "none", "--label", TEST_LABEL, "--cidfile", cidFile.toString(),
                    "-v", helper + ":/sc-helper:ro", "--entrypoint", "/sc-helper",
                    BUSYBOX_IMAGE));
            command.addAll(List.of(arguments));
            String output = check(command.toArray(String[]::new));
            return new Output(0, Files.readString(cidFile).strip() + "\n" + output);
        } finally {
            Files.deleteIfExists(cidFile);
            Files.deleteIfExists(cidFile.getParent());
        }
    }

    /** Builds the busybox image from the host's static busybox unless it exists. */
    static void ensureBusyboxImage() throws IOException, InterruptedException {
        if (run("docker", "image", "inspect", BUSYBOX_IMAGE).status() == 0) {
            return;
        }
        Path rootfs = Files.createTempDirectory("tarsier-busybox");
        String script = "set -e; mkdir -p \"$1/bin\" \"$1/etc\" \"$1/tmp\" \"$1/mnt\";"
                + " cp /bin/busybox \"$1/bin/busybox\";"
                + " for applet in $(\"$1/bin/busybox\" --list); do"
                + " [ \"$applet\" = busybox ] || ln -s busybox \"$1/bin/$applet\"; done;"
                + " tar -C \"$1\" -c . | docker import -c 'ENV PATH=/bin'"
                + " -c 'LABEL " + TEST_LABEL + "' - " + BUSYBOX_IMAGE + ";"
                + " rm -rf \"$1\"";
        check("sh", "-c", script, "build-busybox", rootfs.toString());
    }
}
