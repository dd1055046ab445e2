package org.tarsier.injector.run;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import org.tarsier.injector.docker.DockerClient;

import com.google.gson.JsonObject;

/** Waits for containers of an injector run in the real Docker engine. */
final class TestContainers {

    private TestContainers() {
    }

    /**
     * Returns the inspect document of the first running container with {@code label}, waiting
     * up to 60 s; fails early when {@code failure} is set by the injector's thread.
     */
    static JsonObject awaitContainer(DockerClient docker, String label,
            AtomicReference<Throwable> failure) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (failure.get() != null) {
                throw new AssertionError("injector failed", failure.get());
            }
            for (DockerClient.ContainerSummary summary : docker.listByLabels(List.of(label))) {
                if (summary.state().equals("running")) {
                    return docker.inspect(summary.id()).orElseThrow();
                }
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no running container labelled " + label + " within 60 s");
    }

    /** Starts {@code injector.run()} on a new thread that records what it throws in {@code failure}. */
    static Thread startRun(Injector injector, AtomicReference<Throwable> failure) {
        Thread runner = new Thread(() -> {
            try {
                injector.run();
            } catch (Throwable e) {
                failure.set(e);
            }
        }, "injector-run");
        runner.start();
        return runner;
    }
}
