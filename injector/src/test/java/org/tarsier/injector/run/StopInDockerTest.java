package org.tarsier.injector.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.io.TempDir;
import org.tarsier.injector.docker.DockerClient;
import org.tarsier.injector.scenario.Caps;
import org.tarsier.injector.scenario.ScenarioLoader;

/**
 * Stops a run at the moment its container appears in the real Docker engine, while the
 * injection may still be inside the engine's create or start call, and checks that nothing of
 * the run is left.
 */
class StopInDockerTest {

    private static final String SCENARIOS = """
            - id: early
              kind: cpu_burn
              intensity: 1
              duration: 60s
              repetitions: 2
            """;

    @RepeatedTest(3)
    void stopDuringContainerStartLeavesNothing(@TempDir Path dir) throws Exception {
        DockerClient docker = new DockerClient(DockerClient.DEFAULT_SOCKET);
        Plan plan = Plan.of(ScenarioLoader.parse("early.yaml", SCENARIOS, false), Caps.HARD);
        Injector injector = new Injector(docker, plan, dir.resolve("labels.jsonl"),
                "test-stop-" + ProcessHandle.current().pid() + "-" + System.nanoTime());
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread runner = TestContainers.startRun(injector, failure);
        List<String> label = List.of(RunLabels.RUN + "=" + injector.runId());
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (docker.listByLabels(label).isEmpty() && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertFalse(docker.listByLabels(label).isEmpty(), "no container of the run appeared");
        injector.stop();
        runner.join(Duration.ofSeconds(60));
        assertFalse(runner.isAlive(), "run did not end after stop");
        assertNull(failure.get(), () -> "run failed: " + failure.get());
        assertEquals(List.of(), docker.listByLabels(label), "containers left after stop");
    }
}
