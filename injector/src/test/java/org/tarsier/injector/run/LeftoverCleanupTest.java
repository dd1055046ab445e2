package org.tarsier.injector.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tarsier.injector.docker.DockerClient;
import org.tarsier.injector.scenario.Caps;
import org.tarsier.injector.scenario.ScenarioLoader;

/**
 * Kills an injector process with SIGKILL while its container runs, and checks that the next run
 * removes the leftover container.
 */
class LeftoverCleanupTest {

    @Test
    void nextRunRemovesContainersOfKilledInjector(@TempDir Path dir) throws Exception {
        DockerClient docker = new DockerClient(DockerClient.DEFAULT_SOCKET);
        Path scenarios = dir.resolve("long.yaml");
        Files.writeString(scenarios, "- {id: long, kind: normal, duration: 120s}\n");
        Process injector = startInjector(dir, scenarios);
        String pidLabel = RunLabels.PID + "=" + injector.pid();
        try {
            TestContainers.awaitContainer(docker, pidLabel, new AtomicReference<>());
        } finally {
            // Process.destroyForcibly sends SIGKILL on Linux: no shutdown hook runs.
            injector.destroyForcibly();
            injector.waitFor(30, TimeUnit.SECONDS);
        }
        assertEquals(1, docker.listByLabels(List.of(pidLabel)).size(),
                "the killed injector should leave its container behind");

        Plan tiny = Plan.of(ScenarioLoader.parse("tiny.yaml",
                "- {id: tiny, kind: normal, duration: 1s}\n", false), Caps.HARD);
        new Injector(docker, tiny, dir.resolve("next.jsonl"), "test-next-"
                + ProcessHandle.current().pid()).run();

        List<DockerClient.ContainerSummary> left = docker.listByLabels(List.of(pidLabel));
        assertEquals(List.of(), left, "leftovers of the killed injector");
        assertFalse(Files.readString(dir.resolve("next.jsonl")).isBlank());
    }

    private static Process startInjector(Path dir, Path scenarios) throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        return new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                "org.tarsier.injector.Main", "inject", "--labels",
                dir.resolve("killed.jsonl").toString(), scenarios.toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("killed.log").toFile())
                .start();
    }
}
