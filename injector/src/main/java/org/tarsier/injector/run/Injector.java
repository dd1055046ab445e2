package org.tarsier.injector.run;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.tarsier.injector.Console;
import org.tarsier.injector.docker.DockerClient;
import org.tarsier.injector.docker.InjectorImage;
import org.tarsier.injector.scenario.Scenario;
import org.tarsier.injector.scenario.Target;

import com.google.gson.JsonObject;

/**
 * Runs a {@link Plan}: each injection starts at its offset on a thread pool that has one thread
 * per allowed container, runs for its duration, is stopped, and is written as a {@link Label}.
 *
 * <p>Before the run it removes the leftovers of crashed runs. {@link #stop()} (called by the
 * shutdown hook on Ctrl-C) wakes the injections, which remove their containers, and then removes
 * whatever container of this run is left. Threads are never interrupted: an interrupt closes the
 * socket of a Docker call in flight, and a container started by that call would be left behind.
 */
public final class Injector {

    /** Extra time a script keeps itself alive beyond its duration before it kills itself. */
    private static final Duration SELF_STOP_MARGIN = Duration.ofSeconds(5);

    /**
     * Time between the container's start and the anomaly's start. Alerts about the start of the
     * container itself, such as its entrypoint shell, then fall before the labelled period.
     */
    static final Duration SETTLE = Duration.ofSeconds(2);

    /** Environment variable that carries the kind's script into the container. */
    static final String SCRIPT_VARIABLE = "TARSIER_INJECTION";

    private final DockerClient docker;
    private final Plan plan;
    private final Path labelsFile;
    private final String runId;
    private final AtomicInteger failures = new AtomicInteger();
    private final AtomicInteger completed = new AtomicInteger();
    private final CountDownLatch stopSignal = new CountDownLatch(1);
    private volatile boolean stopping;
    private volatile ScheduledExecutorService executor;
    private BufferedWriter labels;

    public Injector(DockerClient docker, Plan plan, Path labelsFile, String runId) {
        this.docker = docker;
        this.plan = plan;
        this.labelsFile = labelsFile;
        this.runId = runId;
    }

    /** Returns the id of this run, carried by its containers and labels. */
    public String runId() {
        return runId;
    }

    /**
     * Runs every injection and waits for all of them; returns the number that failed.
     */
    public int run() throws IOException, InterruptedException {
        new Janitor(docker).removeLeftovers();
        prepareImages();
        Path parent = labelsFile.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        labels = Files.newBufferedWriter(labelsFile, StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        Console.info("run " + runId + ": " + plan.injections().size() + " injections over about "
                + plan.length().toSeconds() + " s, labels in " + labelsFile);
        try {
            executeAll();
        } finally {
            int removed = new Janitor(docker).removeRun(runId);
            if (removed > 0) {
                Console.warn("removed " + removed + " container(s) of run " + runId
                        + " still present at the end");
            }
            synchronized (this) {
                labels.close();
            }
        }
        Console.info("run " + runId + " finished: " + completed.get() + " injections completed, "
                + failures.get() + " failed");
        return failures.get();
    }

    /**
     * Stops the run: injections not started yet are cancelled, running ones wake up and remove
     * their containers, and any container of the run still present is removed. Safe to call
     * from a shutdown hook.
     */
    public void stop() {
        stopping = true;
        stopSignal.countDown();
        ScheduledExecutorService current = executor;
        if (current == null) {
            return;
        }
        current.shutdown();
        try {
            if (!current.awaitTermination(20, TimeUnit.SECONDS)) {
                Console.warn("injections did not stop within 20 s; removing their containers");
            }
            new Janitor(docker).removeRun(runId);
        } catch (IOException e) {
            Console.error("failed to remove the containers of run " + runId + ": "
                    + e.getMessage() + "; the next run removes them");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void prepareImages() throws IOException {
        Set<String> images = new LinkedHashSet<>();
        for (Injection injection : plan.injections()) {
            Target target = injection.scenario().target();
            if (target.type() == Target.Type.NEW) {
                images.add(target.value());
            }
        }
        for (String image : images) {
            if (image.equals(InjectorImage.REFERENCE)) {
                if (InjectorImage.ensure(docker)) {
                    Console.info("built image " + image + " from the host's /bin/busybox");
                }
            } else if (!docker.imageExists(image)) {
                throw new IOException("image " + image + " not found locally; the injector does"
                        + " not pull images: load or build it first");
            }
        }
    }

    private void executeAll() throws InterruptedException {
        ScheduledThreadPoolExecutor pool =
                new ScheduledThreadPoolExecutor(plan.caps().maxContainers(), threads());
        pool.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        executor = pool;
        List<Future<?>> futures = new ArrayList<>();
        for (Injection injection : plan.injections()) {
            futures.add(executor.schedule(() -> execute(injection),
                    injection.offset().toMillis(), TimeUnit.MILLISECONDS));
        }
        for (Future<?> future : futures) {
            try {
                future.get();
            } catch (CancellationException e) {
                // Stopped before it started.
            } catch (ExecutionException e) {
                failures.incrementAndGet();
                Console.error("injection failed: " + e.getCause());
            }
        }
        executor.shutdown();
    }

    private void execute(Injection injection) {
        if (stopping) {
            return;
        }
        Scenario scenario = injection.scenario();
        String injectionName = "scenario " + scenario.id() + " repetition " + injection.repetition();
        try {
            Label label = scenario.target().type() == Target.Type.NEW
                    ? runInNewContainer(injection)
                    : runInExistingContainer(injection);
            writeLabel(label);
            completed.incrementAndGet();
            Console.info(injectionName + " (" + scenario.kind().id() + ") done in "
                    + label.containerName() + (label.interrupted() ? ", interrupted" : ""));
        } catch (IOException e) {
            failures.incrementAndGet();
            Console.error(injectionName + " (" + scenario.kind().id() + ") failed: " + e.getMessage());
        }
    }

    private Label runInNewContainer(Injection injection) throws IOException {
        Scenario scenario = injection.scenario();
        String name = containerName(injection);
        JsonObject spec = ContainerSpec.of(scenario.target().value(), launcher(scenario),
                environment(scenario), containerLabels(scenario), scenario.limits());
        String id = docker.createContainer(name, spec);
        boolean interrupted = false;
        Instant start = Instant.now().plus(SETTLE);
        try {
            docker.start(id);
            interrupted = !sleep(SETTLE.plus(scenario.duration()));
        } finally {
            docker.remove(id);
        }
        return label(injection, id, name, scenario.target().value(), start, Instant.now(),
                interrupted);
    }

    private Label runInExistingContainer(Injection injection) throws IOException {
        Scenario scenario = injection.scenario();
        JsonObject container = findContainer(scenario.target());
        String id = container.get("Id").getAsString();
        String name = container.get("Name").getAsString().replaceFirst("^/", "");
        String image = container.getAsJsonObject("Config").get("Image").getAsString();
        Console.warn("scenario " + scenario.id() + " runs in existing container " + name
                + ": the injector's CPU, memory and pids caps do not apply, the container's own"
                + " limits do");
        Instant start = Instant.now().plus(SETTLE);
        String execId = docker.execDetached(id, List.of("sh", "-c", launcher(scenario)),
                environment(scenario));
        boolean interrupted = !sleep(SETTLE.plus(scenario.duration()));
        if (!interrupted) {
            waitForExec(execId);
        }
        return label(injection, id, name, image, start, Instant.now(), interrupted);
    }

    private JsonObject findContainer(Target target) throws IOException {
        if (target.type() == Target.Type.NAME) {
            JsonObject container = docker.inspect(target.value()).orElseThrow(
                    () -> new IOException("no container named " + target.value()));
            if (!container.getAsJsonObject("State").get("Running").getAsBoolean()) {
                throw new IOException("container " + target.value() + " is not running");
            }
            return container;
        }
        for (DockerClient.ContainerSummary summary
                : docker.listByLabels(List.of(target.value()))) {
            if (summary.state().equals("running")) {
                return docker.inspect(summary.id()).orElseThrow(
                        () -> new IOException("container " + summary.id() + " disappeared"));
            }
        }
        throw new IOException("no running container labelled " + target.value());
    }

    /** Waits up to the self-stop margin for the script to end, as its own timer makes it. */
    private void waitForExec(String execId) throws IOException {
        long deadline = System.nanoTime() + SELF_STOP_MARGIN.plusSeconds(5).toNanos();
        while (System.nanoTime() < deadline && docker.execRunning(execId)) {
            if (!sleep(Duration.ofMillis(500))) {
                return;
            }
        }
        if (docker.execRunning(execId)) {
            Console.warn("exec " + execId + " still runs after its duration");
        }
    }

    /**
     * Returns the command that runs the kind's script from {@link #SCRIPT_VARIABLE} after
     * {@link #SETTLE}, and kills its process group once the duration and a margin have passed,
     * even when the injector died without removing it. The script travels in the environment
     * so that the entrypoint's command line does not contain it: rules that match command
     * lines must fire on the processes of the anomaly, not on the container's entrypoint.
     */
    static String launcher(Scenario scenario) {
        long seconds = scenario.duration().plus(SELF_STOP_MARGIN).toSeconds();
        return "sleep " + SETTLE.toSeconds() + "; (eval \"$" + SCRIPT_VARIABLE + "\") & sleep "
                + seconds + "; kill 0";
    }

    private static List<String> environment(Scenario scenario) {
        return List.of(SCRIPT_VARIABLE + "=" + scenario.kind().script(scenario.intensity()));
    }

    private Map<String, String> containerLabels(Scenario scenario) {
        Map<String, String> result = new LinkedHashMap<>();
        result.put(RunLabels.MARKER, "true");
        result.put(RunLabels.RUN, runId);
        result.put(RunLabels.PID, Long.toString(ProcessHandle.current().pid()));
        result.put(RunLabels.PROCESS_START, RunLabels.currentProcessStart());
        result.put(RunLabels.SCENARIO, scenario.id());
        result.put(RunLabels.KIND, scenario.kind().id());
        return result;
    }

    private String containerName(Injection injection) {
        String raw = "tarsier-inject-" + runId + "-" + injection.scenario().id() + "-"
                + injection.repetition();
        return raw.replaceAll("[^a-zA-Z0-9_.-]", "_");
    }

    private Label label(Injection injection, String id, String name, String image,
            Instant start, Instant end, boolean interrupted) {
        Scenario scenario = injection.scenario();
        return new Label(runId, scenario.id(), injection.repetition(), scenario.kind().id(),
                scenario.kind().isAnomaly(), id, name, image, start, end, scenario.intensity(),
                scenario.kind().unit(), scenario.kind().expected(), interrupted);
    }

    private synchronized void writeLabel(Label label) throws IOException {
        labels.write(LabelJson.toLine(label));
        labels.newLine();
        labels.flush();
    }

    /**
     * Waits for {@code duration}; returns false when the run is stopped first. An interrupt also
     * ends the wait, and is not set again because the caller still has to remove its container,
     * which an interrupted thread cannot do over a socket channel.
     */
    private boolean sleep(Duration duration) {
        try {
            return !stopSignal.await(duration.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            return false;
        }
    }

    private static ThreadFactory threads() {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, "injection-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
