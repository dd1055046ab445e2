package org.tarsier.probe.file.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs host commands and containers for the kernel tests, with a time limit. */
final class Commands {

    static final String BUSYBOX_IMAGE = "tarsier/busybox:dev";
    static final String TEST_LABEL = "org.tarsier.test=probe-file";
    static final Path HELPER_SOURCE = Path.of("src/test/c/fileops.c").toAbsolutePath();
    static final Path HELPER = Path.of("target/fileops").toAbsolutePath();
    static final String HELPER_IN_CONTAINER = "/fileops";
    static final Path I386_HELPER = Path.of("target/i386/fileops").toAbsolutePath();
    /** The i386 build of the helper, under the same file name so that its comm is the same. */
    static final String I386_HELPER_IN_CONTAINER = "/i386/fileops";

    private Commands() {
    }

    /** Output and exit status of a finished command. */
    record Result(int status, String output) {
    }

    /** Runs a command with standard error merged into its output; fails after 120 s. */
    static Result run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("timed out: " + String.join(" ", command));
        }
        return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8));
    }

    /** Runs a command and returns its output; fails on a non-zero exit status. */
    static String output(String... command) throws IOException, InterruptedException {
        Result result = run(command);
        if (result.status() != 0) {
            throw new IllegalStateException("failed with status " + result.status() + ": "
                    + String.join(" ", command) + "\n" + result.output());
        }
        return result.output();
    }

    /** Compiles the syscall helper as a static binary unless it is up to date. */
    static synchronized Path helper() throws IOException, InterruptedException {
        if (Files.exists(HELPER) && Files.getLastModifiedTime(HELPER)
                .compareTo(Files.getLastModifiedTime(HELPER_SOURCE)) >= 0) {
            return HELPER;
        }
        output("gcc", "-static", "-O2", "-Wall", "-o", HELPER.toString(),
                HELPER_SOURCE.toString());
        return HELPER;
    }

    /**
     * Compiles the syscall helper as a static i386 binary unless it is up to date. Needs gcc's
     * 32-bit support (Debian package gcc-multilib).
     */
    static synchronized Path i386Helper() throws IOException, InterruptedException {
        if (Files.exists(I386_HELPER) && Files.getLastModifiedTime(I386_HELPER)
                .compareTo(Files.getLastModifiedTime(HELPER_SOURCE)) >= 0) {
            return I386_HELPER;
        }
        Files.createDirectories(I386_HELPER.getParent());
        output("gcc", "-m32", "-static", "-O2", "-Wall", "-o", I386_HELPER.toString(),
                HELPER_SOURCE.toString());
        return I386_HELPER;
    }

    /** Builds the busybox image from the host's static busybox unless it exists. */
    static synchronized void ensureBusyboxImage() throws IOException, InterruptedException {
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
        output("sh", "-c", script, "build-busybox", rootfs.toString());
    }

    /**
     * Runs a shell script in a busybox container with the helper at {@link #HELPER_IN_CONTAINER}
     * and returns the container's full id and output.
     */
    static Container runContainer(String script, String... dockerOptions)
            throws IOException, InterruptedException {
        ensureBusyboxImage();
        Path cidFile = Files.createTempDirectory("tarsier-probe-file").resolve("cid");
        List<String> command = new ArrayList<>(List.of("docker", "run", "--rm", "--network",
                "none", "--label", TEST_LABEL, "--cidfile", cidFile.toString(), "-v",
                helper() + ":" + HELPER_IN_CONTAINER + ":ro"));
        command.addAll(List.of(dockerOptions));
        command.addAll(List.of(BUSYBOX_IMAGE, "sh", "-c", script));
        try {
            String output = output(command.toArray(String[]::new));
            return new Container(Files.readString(cidFile).strip(), output);
        } finally {
            Files.deleteIfExists(cidFile);
            Files.deleteIfExists(cidFile.getParent());
        }
    }

    /** A finished container. */
    record Container(String id, String output) {
    }
}
