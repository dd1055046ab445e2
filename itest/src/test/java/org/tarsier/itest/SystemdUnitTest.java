package org.tarsier.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.junit.Test;

/**
 * The systemd unit as {@code ./tarsier install --root} lays it out, checked by
 * {@code systemd-analyze verify}. systemd is not PID 1 on the test machines, so the unit is
 * verified with its paths pointed at the staged layout instead of being started.
 */
public class SystemdUnitTest {

    private static final Path HOME = Path.of(System.getProperty("tarsier.home", ".."))
            .toAbsolutePath().normalize();

    @Test
    public void installedUnitVerifies() throws Exception {
        Path root = Files.createDirectories(Path.of("target/install", UUID.randomUUID()
                .toString())).toAbsolutePath();
        Result install = run(List.of(HOME.resolve("tarsier").toString(), "install", "--root",
                root.toString()));
        Path unit = root.resolve("etc/systemd/system/tarsier.service");
        Path staged = root.resolve("tarsier.service");
        Files.writeString(staged, Files.readString(unit)
                .replace("/opt/tarsier", root.resolve("opt/tarsier").toString())
                .replace("/etc/default/tarsier", root.resolve("etc/default/tarsier").toString()));

        Result verify = run(List.of("systemd-analyze", "verify", staged.toString()));

        assertEquals("install exit status: " + install.output(), 0, install.exitCode());
        assertTrue("agent jar installed",
                Files.isRegularFile(root.resolve("opt/tarsier/lib/tarsier.jar")));
        assertTrue("start script executable",
                Files.isExecutable(root.resolve("opt/tarsier/bin/tarsier-agent")));
        assertTrue("configuration installed",
                Files.isRegularFile(root.resolve("etc/tarsier/org.tarsier.agent.cfg")));
        assertEquals("systemd-analyze verify: " + verify.output(), 0, verify.exitCode());
        assertEquals("systemd-analyze verify output", "", verify.output().strip());
    }

    private record Result(int exitCode, String output) {
    }

    private static Result run(List<String> command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertTrue(command + " finished", process.waitFor(600, TimeUnit.SECONDS));
        return new Result(process.exitValue(), output);
    }
}
