package org.tarsier.exporter.internal.jsonl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.service.event.Event;
import org.tarsier.api.Topics;
import org.tarsier.api.alert.Alert;
import org.tarsier.api.alert.Priority;
import org.tarsier.api.container.ContainerInfo;
import org.tarsier.api.event.EventHeader;
import org.tarsier.api.event.ForkEvent;
import org.tarsier.exporter.internal.RecordingLogger;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

class JsonlOutputTest {

    @TempDir
    Path dir;

    private final RecordingLogger log = new RecordingLogger();
    private JsonlOutput output;

    @AfterEach
    void stopOutput() {
        if (output != null) {
            output.deactivate();
        }
    }

    @Test
    void alertsWrittenEventsOffByDefault() throws Exception {
        Path alerts = dir.resolve("alerts.jsonl");
        start(Map.of("alerts.path", alerts.toString(), "hostname", "node-1"));

        output.alertHandler().handleEvent(alertEvent("a-1"));
        output.deactivate();
        output = null;

        List<String> lines = Files.readAllLines(alerts);
        assertEquals(1, lines.size());
        JsonObject json = JsonParser.parseString(lines.get(0)).getAsJsonObject();
        assertEquals("a-1", json.get("id").getAsString());
        assertEquals("node-1", json.get("hostname").getAsString());
    }

    @Test
    void eventOutputDisabledByDefault() {
        start(Map.of("alerts.path", dir.resolve("alerts.jsonl").toString()));

        assertNull(output.eventHandler());
        assertNotNull(output.alertHandler());
    }

    @Test
    void eventsWrittenWhenEnabled() throws Exception {
        Path events = dir.resolve("events.jsonl");
        start(Map.of("alerts.path", dir.resolve("alerts.jsonl").toString()));

        output.modified(properties("alerts.path", dir.resolve("alerts.jsonl").toString(),
                "events.enabled", "true", "events.path", events.toString()));
        output.eventHandler().handleEvent(forkEvent());
        output.deactivate();
        output = null;

        String line = Files.readAllLines(events).get(0);
        JsonObject json = JsonParser.parseString(line).getAsJsonObject();
        assertEquals("FORK", json.get("type").getAsString());
        assertEquals(11, json.get("child_pid").getAsInt());
    }

    @Test
    void pathChangeKeepsCountsAndOrder() throws Exception {
        Path first = dir.resolve("first.jsonl");
        Path second = dir.resolve("second.jsonl");
        start(Map.of("alerts.path", first.toString()));
        output.alertHandler().handleEvent(alertEvent("a-1"));

        output.modified(properties("alerts.path", second.toString()));
        output.alertHandler().handleEvent(alertEvent("a-2"));

        assertEquals(2, waitForWritten(2));
        assertEquals(1, Files.readAllLines(first).size());
        assertEquals(1, Files.readAllLines(second).size());
    }

    @Test
    void invalidCapacityKeepsPreviousConfiguration() throws Exception {
        Path alerts = dir.resolve("alerts.jsonl");
        start(Map.of("alerts.path", alerts.toString()));

        output.modified(properties("alerts.path", dir.resolve("other.jsonl").toString(),
                "queue.capacity", "0"));
        output.alertHandler().handleEvent(alertEvent("a-1"));
        output.deactivate();
        output = null;

        String error = log.lines("ERROR").get(0);
        assertTrue(error.contains("PID org.tarsier.output.jsonl"), error);
        assertTrue(error.contains("property queue.capacity is '0'"), error);
        assertTrue(error.contains("expected an integer from 1 to 1000000"), error);
        assertEquals(1, Files.readAllLines(alerts).size());
    }

    @Test
    void samePathForEventsAndAlertsRejected() {
        Path file = dir.resolve("all.jsonl");

        start(Map.of("alerts.path", file.toString(), "events.enabled", true,
                "events.path", file.toString()));

        assertTrue(log.lines("ERROR").get(0).contains("property events.path"),
                log.lines().toString());
        assertNull(output.eventHandler());
    }

    @Test
    void startAndStopLoggedWithConfiguration() {
        start(Map.of("alerts.path", dir.resolve("alerts.jsonl").toString()));
        output.deactivate();
        output = null;

        List<String> info = log.lines("INFO");
        String started = info.get(0);
        assertTrue(started.contains("alerts.path=" + dir.resolve("alerts.jsonl")), started);
        assertTrue(started.contains("queue.capacity=8192"), started);
        assertTrue(info.get(info.size() - 1).contains("stopped"), info.toString());
    }

    private void start(Map<String, Object> properties) {
        output = new JsonlOutput(log.logger());
        output.activate(null, new HashMap<>(properties));
    }

    private long waitForWritten(long expected) throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (output.alertCounters().written() < expected && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        return output.alertCounters().written();
    }

    private static Map<String, Object> properties(Object... keysAndValues) {
        Map<String, Object> properties = new HashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            properties.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return properties;
    }

    private static Event alertEvent(String id) {
        Alert alert = new Alert(id, Instant.parse("2024-05-01T12:00:00Z"), "rules", "r",
                Priority.NOTICE, "m", Map.of(), List.of(), Map.of(), ContainerInfo.HOST_INFO);
        return new Event(Topics.alertTopic("rules"), Map.of(Topics.PROPERTY_ALERT, alert));
    }

    private static Event forkEvent() {
        EventHeader header = new EventHeader(1, 2, 10, 10, 1, 0, 0, "sh");
        ForkEvent fork = new ForkEvent(header, ContainerInfo.HOST_INFO, 11, 11);
        return new Event(Topics.PROCESS_FORK, Map.of(Topics.PROPERTY_EVENT, fork));
    }
}
