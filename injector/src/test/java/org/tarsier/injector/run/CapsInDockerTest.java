package org.tarsier.injector.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tarsier.injector.docker.DockerClient;
import org.tarsier.injector.scenario.Caps;
import org.tarsier.injector.scenario.Kind;
import org.tarsier.injector.scenario.ScenarioLoader;

import com.google.gson.JsonObject;

/** Runs a scenario that requests more than the caps against the real Docker engine. */
class CapsInDockerTest {

    private static final String GREEDY = """
            - id: greedy
              kind: cpu_burn
              intensity: 64
              duration: 10h
              repetitions: 1000
              limits: {cpus: 8, memory_mb: 100000, pids: 100000}
            """;

    @Test
    void createdContainerCarriesTheCappedLimits(@TempDir Path dir) throws Exception {
        DockerClient docker = new DockerClient(DockerClient.DEFAULT_SOCKET);
        Plan plan = Plan.of(ScenarioLoader.parse("greedy.yaml", GREEDY, false), Caps.HARD);
        assertEquals(Kind.CPU_BURN.maxIntensity(),
                plan.injections().get(0).scenario().intensity());
        assertEquals(Caps.HARD.maxDuration(), plan.injections().get(0).scenario().duration());
        assertTrue(plan.injections().size() <= Caps.HARD.maxRepetitions(),
                "repetitions: " + plan.injections().size());

        Injector injector = new Injector(docker, plan, dir.resolve("labels.jsonl"),
                "test-caps-" + ProcessHandle.current().pid());
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread runner = TestContainers.startRun(injector, failure);
        try {
            JsonObject host = TestContainers.awaitContainer(docker,
                    RunLabels.RUN + "=" + injector.runId(), failure)
                    .getAsJsonObject("HostConfig");
            assertEquals(1_000_000_000L, host.get("NanoCpus").getAsLong());
            assertEquals(256L * 1024 * 1024, host.get("Memory").getAsLong());
            assertEquals(256L * 1024 * 1024, host.get("MemorySwap").getAsLong());
            assertEquals(256L, host.get("PidsLimit").getAsLong());
            assertEquals("none", host.get("NetworkMode").getAsString());
        } finally {
            injector.stop();
            runner.join(Duration.ofSeconds(30));
        }
        assertEquals(List.of(), docker.listByLabels(List.of(RunLabels.RUN + "="
                + injector.runId())), "containers left after stop");
        String label = Files.readString(dir.resolve("labels.jsonl"));
        assertTrue(label.contains("\"interrupted\":true"), label);
    }
}
