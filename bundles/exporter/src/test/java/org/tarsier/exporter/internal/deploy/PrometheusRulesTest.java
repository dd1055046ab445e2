package org.tarsier.exporter.internal.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/**
 * The alerting rules, Prometheus and Alertmanager examples in {@code deploy/} pass the checks of
 * Debian's {@code promtool} and {@code amtool}, and the rules pass their unit tests.
 */
class PrometheusRulesTest {

    private static final Path DEPLOY = Path.of("../../deploy").toAbsolutePath().normalize();
    private static final Path PROMETHEUS = DEPLOY.resolve("prometheus");

    @Test
    void rulesPassPromtoolCheck() throws Exception {
        Result result = run(PROMETHEUS, "/usr/bin/promtool", "check", "rules",
                "tarsier-rules.yml");

        assertEquals(0, result.exitCode(), result.output());
        assertTrue(result.output().contains("SUCCESS: 9 rules found"), result.output());
    }

    @Test
    void rulesPassUnitTests() throws Exception {
        Result result = run(PROMETHEUS, "/usr/bin/promtool", "test", "rules",
                "tests/tarsier-rules.test.yml");

        assertEquals(0, result.exitCode(), result.output());
    }

    @Test
    void prometheusExampleIsValid() throws Exception {
        Result result = run(PROMETHEUS, "/usr/bin/promtool", "check", "config",
                "prometheus.yml");

        assertEquals(0, result.exitCode(), result.output());
    }

    @Test
    void alertmanagerExampleIsValid() throws Exception {
        Result result = run(DEPLOY.resolve("alertmanager"), "/usr/bin/amtool", "check-config",
                "alertmanager.yml");

        assertEquals(0, result.exitCode(), result.output());
    }

    /** Exit code and combined output of a finished command. */
    private record Result(int exitCode, String output) {
    }

    private static Result run(Path dir, String... command) throws IOException,
            InterruptedException {
        if (!Files.isExecutable(Path.of(command[0]))) {
            fail(command[0] + " not found: install the Debian packages prometheus and"
                    + " prometheus-alertmanager, as ./tarsier test does");
        }
        Process process = new ProcessBuilder(new ArrayList<>(List.of(command)))
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .start();
        String output = new String(process.getInputStream().readAllBytes(),
                StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), command[0] + " did not finish in 60 s");
        return new Result(process.exitValue(), output);
    }
}
