package org.tarsier.container.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Inspects containers of this host's Docker engine that the catalog does not hold: the watcher
 * that keeps the connection state fills a catalog of its own, so only the inspector fills this
 * test's catalog.
 */
class OnDemandInspectorTest {

    private static final Path DOCKER_SOCKET = Path.of(Settings.DEFAULT_DOCKER_SOCKET);
    private static final String ABSENT_ID =
            "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    private final DockerCli docker = new DockerCli();
    private final RecordingLogger log = new RecordingLogger();
    private final ContainerCatalog catalog = new ContainerCatalog(System::nanoTime);
    private ScheduledExecutorService scheduler;
    private ExecutorService workers;
    private DockerWatcher watcher;

    @BeforeAll
    static void createImage() throws Exception {
        DockerCli.ensureImage();
    }

    @BeforeEach
    void connect() throws InterruptedException {
        scheduler = Executors.newSingleThreadScheduledExecutor();
        workers = Executors.newFixedThreadPool(2);
        DockerClient client = new DockerClient(DOCKER_SOCKET, scheduler, Duration.ofSeconds(5));
        watcher = new DockerWatcher(client, new ContainerCatalog(System::nanoTime), pid -> { },
                workers, log.logger(), 1_000);
        watcher.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!watcher.connected() && System.nanoTime() - deadline < 0) {
            Thread.sleep(20);
        }
    }

    @AfterEach
    void disconnect() throws Exception {
        watcher.stop();
        workers.shutdownNow();
        scheduler.shutdownNow();
        docker.removeStarted();
    }

    @Test
    void uncachedContainerIsInspectedAndCataloged() throws Exception {
        String id = docker.runDetached(List.of("team=blue"), "sleep", "30");
        OnDemandInspector inspector = inspector(2_000);

        DockerContainer container = inspector.inspect(id);

        assertNotNull(container, "inspected container");
        assertEquals("blue", container.labels().get("team"), "label");
        assertEquals(container, catalog.get(id), "cataloged container");
    }

    @Test
    void slowInspectReturnsWithinTimeout() throws Exception {
        String id = docker.runDetached(List.of(), "sleep", "30");
        OnDemandInspector inspector = inspector(1);

        long start = System.nanoTime();
        DockerContainer container = inspector.inspect(id);
        long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

        assertTrue(elapsedMillis < 100, "caller blocked for " + elapsedMillis + " ms");
        if (container == null) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (catalog.get(id) == null && System.nanoTime() - deadline < 0) {
                Thread.sleep(10);
            }
        }
        assertNotNull(catalog.get(id), "catalog after the background inspect");
    }

    @Test
    void callersOfOneSlowInspectShareItsTimeout() throws Exception {
        String id = docker.runDetached(List.of(), "sleep", "30");
        CountDownLatch released = new CountDownLatch(1);
        Executor heldBack = task -> workers.execute(() -> {
            try {
                released.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            task.run();
        });
        OnDemandInspector inspector = new OnDemandInspector(watcher, catalog, heldBack,
                pid -> { }, 300, log.logger());

        long start = System.nanoTime();
        assertNull(inspector.inspect(id), "first caller, inspect held back");
        long firstMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        long second = System.nanoTime();
        for (int i = 0; i < 20; i++) {
            assertNull(inspector.inspect(id), "caller " + i + " after the timeout");
        }
        long laterMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - second);
        released.countDown();

        assertTrue(firstMillis >= 250, "first caller waited only " + firstMillis + " ms");
        assertTrue(laterMillis < 100, "20 later callers waited " + laterMillis + " ms in all");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (catalog.get(id) == null && System.nanoTime() - deadline < 0) {
            Thread.sleep(10);
        }
        assertNotNull(catalog.get(id), "catalog after the held-back inspect");
        assertNotNull(inspector.inspect(id), "container once cataloged");
    }

    @Test
    void idUnknownToDockerIsRememberedAsUnknown() {
        OnDemandInspector inspector = inspector(2_000);

        assertNull(inspector.inspect(ABSENT_ID), "inspect result");
        assertTrue(catalog.isUnknown(ABSENT_ID), "remembered as unknown");
    }

    private OnDemandInspector inspector(long timeoutMillis) {
        return new OnDemandInspector(watcher, catalog, workers, pid -> { }, timeoutMillis,
                log.logger());
    }
}
