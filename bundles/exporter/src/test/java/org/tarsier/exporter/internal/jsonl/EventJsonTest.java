package org.tarsier.exporter.internal.jsonl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.tarsier.api.container.ContainerInfo;
import org.tarsier.api.event.EventHeader;
import org.tarsier.api.event.ExecEvent;
import org.tarsier.api.event.ExitEvent;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

class EventJsonTest {

    private static final EventHeader HEADER =
            new EventHeader(1714566645123456789L, 7012, 4242, 4243, 1, 0, 0, "sh");
    private static final ContainerInfo CONTAINER =
            new ContainerInfo("docker", "abc123", "web", "nginx:1.25", Map.of(), "", "", "");

    @Test
    void execEventRendered() {
        ExecEvent exec = new ExecEvent(HEADER, CONTAINER, "/bin/sh", List.of("sh", "-c", "id"),
                false, "/root", "docker/abc123");

        JsonObject json = render(exec);

        assertEquals("2024-05-01T12:30:45.123456789Z", json.get("time").getAsString());
        assertEquals("process", json.get("probe").getAsString());
        assertEquals("EXEC", json.get("type").getAsString());
        assertEquals(4242, json.get("pid").getAsInt());
        assertEquals(4243, json.get("tid").getAsInt());
        assertEquals(1, json.get("ppid").getAsInt());
        assertEquals(7012, json.get("cgroup_id").getAsLong());
        assertEquals("sh", json.get("comm").getAsString());
        assertEquals("/bin/sh", json.get("filename").getAsString());
        assertEquals(3, json.getAsJsonArray("argv").size());
        assertFalse(json.get("argv_truncated").getAsBoolean());
        assertEquals("docker/abc123", json.get("cgroup_path").getAsString());
    }

    @Test
    void containerRenderedAsObject() {
        JsonObject container = render(new ExitEvent(HEADER, CONTAINER, 0, 9, 1_000))
                .getAsJsonObject("container");

        assertEquals("docker", container.get("runtime").getAsString());
        assertEquals("abc123", container.get("id").getAsString());
        assertEquals("nginx:1.25", container.get("image").getAsString());
        assertTrue(container.has("pod_namespace"));
    }

    @Test
    void headerAndContainerNotRepeated() {
        JsonObject json = render(new ExitEvent(HEADER, CONTAINER, 0, 9, 1_000));

        assertFalse(json.has("header"));
        assertEquals(9, json.get("signal").getAsInt());
        assertEquals(1_000, json.get("duration_nanos").getAsLong());
    }

    private static JsonObject render(org.tarsier.api.event.Event event) {
        return JsonParser.parseString(JsonlOutputTestSupport.GSON.toJson(EventJson.render(event)))
                .getAsJsonObject();
    }
}
