package org.tarsier.injector.docker;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The container image the scenarios run in, built from the host's busybox-static binary by
 * {@code docker import} because no image registry may be reachable.
 *
 * <p>Besides busybox and a link per applet, the root file system contains the decoys the scenarios
 * touch: fake {@code /etc/shadow} and {@code /etc/sudoers}, a fake SSH private key in
 * {@code /root/.ssh}, shell scripts named like package managers ({@code apt-get}, {@code apk}),
 * a web root and {@code /var/log}. None of them contains a real secret.
 */
public final class InjectorImage {

    /** Image reference the injector uses. */
    public static final String REFERENCE = "tarsier/injector:busybox";

    /** Label set on the image to distinguish it from other images. */
    public static final String IMAGE_LABEL = "org.tarsier.injector.image=true";

    private static final Path BUSYBOX = Path.of("/bin/busybox");

    private InjectorImage() {
    }

    /** Builds the image unless it exists; returns whether it was built. */
    public static boolean ensure(DockerClient docker) throws IOException {
        if (docker.imageExists(REFERENCE)) {
            return false;
        }
        if (!Files.isExecutable(BUSYBOX)) {
            throw new IOException(BUSYBOX + " is missing: install Debian's busybox-static");
        }
        List<String> applets = listApplets();
        int colon = REFERENCE.indexOf(':');
        docker.importImage(REFERENCE.substring(0, colon), REFERENCE.substring(colon + 1),
                List.of("ENV PATH=/bin:/sbin:/usr/bin", "LABEL " + IMAGE_LABEL),
                out -> writeRootfs(out, applets));
        return true;
    }

    private static List<String> listApplets() throws IOException {
        Process process = new ProcessBuilder(BUSYBOX.toString(), "--list")
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(),
                StandardCharsets.UTF_8);
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IOException(BUSYBOX + " --list failed: " + output);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while listing busybox applets", e);
        }
        List<String> applets = new ArrayList<>();
        for (String line : output.split("\n")) {
            String applet = line.trim();
            if (!applet.isEmpty() && !applet.equals("busybox")) {
                applets.add(applet);
            }
        }
        return applets;
    }

    private static void writeRootfs(OutputStream out, List<String> applets) throws IOException {
        TarWriter tar = new TarWriter(out);
        for (String dir : List.of("bin", "sbin", "usr", "usr/bin", "etc", "root", "tmp", "var",
                "var/log", "www", "data", "proc", "sys", "dev")) {
            tar.directory(dir, dir.equals("tmp") ? 01777 : 0755);
        }
        tar.directory("root/.ssh", 0700);
        tar.file("bin/busybox", 0755, Files.readAllBytes(BUSYBOX));
        for (String applet : applets) {
            tar.symlink("bin/" + applet, "busybox");
        }
        writeDecoys(tar);
        tar.finish();
    }

    private static void writeDecoys(TarWriter tar) throws IOException {
        text(tar, "etc/passwd", 0644, "root:x:0:0:root:/root:/bin/sh\n"
                + "www:x:33:33:www:/www:/bin/false\n");
        text(tar, "etc/group", 0644, "root:x:0:\nwww:x:33:\n");
        text(tar, "etc/shadow", 0640, "root:*:19000:0:99999:7:::\nwww:!:19000::::::\n");
        text(tar, "etc/sudoers", 0440, "root ALL=(ALL) ALL\n");
        text(tar, "etc/hostname", 0644, "tarsier-injector\n");
        text(tar, "root/.ssh/id_rsa", 0600, "decoy key written by the Tarsier injector\n");
        text(tar, "www/index.html", 0644, "<html><body>tarsier injector workload</body></html>\n");
        String packageManager = "#!/bin/sh\n"
                + "# Stand-in package manager: prints what a real one would and installs nothing.\n"
                + "echo \"Reading package lists... ($0 $*)\"\n"
                + "sleep 1\n"
                + "echo Done\n";
        text(tar, "usr/bin/apt-get", 0755, packageManager);
        text(tar, "sbin/apk", 0755, packageManager);
    }

    private static void text(TarWriter tar, String name, int mode, String content)
            throws IOException {
        tar.file(name, mode, content.getBytes(StandardCharsets.UTF_8));
    }
}
