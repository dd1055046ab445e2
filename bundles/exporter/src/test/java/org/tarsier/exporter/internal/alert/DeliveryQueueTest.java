package org.tarsier.exporter.internal.alert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.osgi.service.event.Event;
import org.tarsier.api.Topics;
import org.tarsier.api.alert.Alert;
import org.tarsier.api.alert.Priority;
import org.tarsier.api.container.ContainerInfo;
import org.tarsier.exporter.internal.RecordingLogger;

import com.sun.net.httpserver.HttpServer;

class DeliveryQueueTest {

    private final RecordingLogger log = new RecordingLogger();
    private final List<String> bodies = new CopyOnWriteArrayList<>();
    private final AtomicInteger failuresLeft = new AtomicInteger();
    private volatile int failureStatus = 503;
    private HttpServer server;
    private DeliveryQueue queue;

    @AfterEach
    void stop() {
        if (queue != null) {
            queue.close();
        }
        if (server != null) {
            server.stop(0);
        }
    }

    @Test
    void alertsPostedAsOneBatch() throws Exception {
        int port = startServer(0);
        queue = queue(port, 10, 10);
        queue.handleEvent(event(alert("a-1", "Shell in container")));
        queue.handleEvent(event(alert("a-2", "Shell in container")));

        awaitTrue(() -> queue.written() == 2, "alerts not sent: " + log.lines());
        String all = String.join("\n", bodies);
        assertTrue(all.contains("\"alert_id\":\"a-1\""), all);
        assertTrue(all.contains("\"alert_id\":\"a-2\""), all);
        assertEquals(0, queue.dropped());
    }

    @Test
    void serverErrorRetriedUntilAccepted() throws Exception {
        failuresLeft.set(3);
        int port = startServer(0);
        queue = queue(port, 10, 1);

        queue.handleEvent(event(alert("a-1", "r")));

        awaitTrue(() -> queue.written() == 1, "alert not sent after retries: " + log.lines());
        assertEquals(4, bodies.size());
        assertEquals(1, log.lines("WARN").size(), log.lines().toString());
        assertEquals(1, log.lines("INFO").size(), log.lines().toString());
    }

    @Test
    void clientErrorDropsWithoutRetry() throws Exception {
        failuresLeft.set(1_000);
        failureStatus = 400;
        int port = startServer(0);
        queue = queue(port, 10, 1);

        queue.handleEvent(event(alert("a-1", "r")));

        awaitTrue(() -> queue.dropped() == 1, "rejected alert not counted: " + log.lines());
        Thread.sleep(300);
        assertEquals(1, bodies.size());
        assertEquals(1, log.lines("ERROR").size(), log.lines().toString());
    }

    @Test
    void alertsQueueWhileDownWithinBound() throws Exception {
        int port = freePort();
        queue = queue(port, 3, 1);

        queue.handleEvent(event(alert("a-1", "rule 1")));
        awaitTrue(() -> queue.queued() == 0, "sender took no alert");
        for (int i = 2; i <= 6; i++) {
            queue.handleEvent(event(alert("a-" + i, "rule " + i)));
        }
        // One alert is in the sender's batch and three wait in the queue, so two are dropped.
        assertEquals(2, queue.dropped());
        startServer(port);

        awaitTrue(() -> queue.written() == 4, "queued alerts not sent: " + log.lines());
        assertEquals(2, queue.dropped());
    }

    @Test
    void eventWithoutAlertCountedAsDropped() {
        queue = new DeliveryQueue("test", new DeliveryQueue.Limits(1, 1, 10, 10, 100),
                batch -> fail("nothing to send"), log.logger());
        queue.start();

        queue.handleEvent(new Event(Topics.alertTopic("x"), Map.of()));

        assertEquals(1, queue.dropped());
    }

    @Test
    void closeSendsQueuedAlerts() throws Exception {
        int port = startServer(0);
        queue = queue(port, 100, 1);
        for (int i = 0; i < 50; i++) {
            queue.handleEvent(event(alert("a-" + i, "r" + i)));
        }

        queue.close();

        assertEquals(50, queue.written());
        assertEquals(50, bodies.size());
        queue = null;
    }

    private DeliveryQueue queue(int port, int capacity, int batchSize) {
        JsonPoster poster = new JsonPoster(URI.create("http://127.0.0.1:" + port
                + "/api/v2/alerts"), Duration.ofSeconds(2));
        DeliveryQueue created = new DeliveryQueue("test",
                new DeliveryQueue.Limits(capacity, batchSize, 20, 100, 5_000),
                batch -> poster.post(AlertmanagerJson.render(batch, "node-1",
                        Duration.ofMinutes(5))),
                log.logger());
        created.start();
        return created;
    }

    private int startServer(int port) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port),
                0);
        server.createContext("/api/v2/alerts", exchange -> {
            bodies.add(new String(exchange.getRequestBody().readAllBytes(),
                    StandardCharsets.UTF_8));
            int status = failuresLeft.getAndDecrement() > 0 ? failureStatus : 200;
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        server.start();
        return server.getAddress().getPort();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    static Alert alert(String id, String rule) {
        ContainerInfo container = new ContainerInfo("docker", "a1b2c3d4e5f6a7b8c9d0", "web",
                "nginx:1", Map.of(), "", "", "");
        return new Alert(id, Instant.parse("2026-01-02T03:04:05Z"), "rules", rule,
                Priority.CRITICAL, "shell spawned", Map.of("proc.name", "sh"),
                List.of("T1059"), Map.of(), container);
    }

    private static Event event(Alert alert) {
        return new Event(Topics.alertTopic(alert.detector()), Map.of(Topics.PROPERTY_ALERT,
                alert));
    }

    private static void awaitTrue(BooleanSupplier condition, String message)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail(message);
            }
            Thread.sleep(20);
        }
    }
}
