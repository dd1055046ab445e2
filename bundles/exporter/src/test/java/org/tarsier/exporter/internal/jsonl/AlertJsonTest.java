package org.tarsier.exporter.internal.jsonl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.tarsier.api.alert.Alert;
import org.tarsier.api.alert.Priority;
import org.tarsier.api.container.ContainerInfo;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

class AlertJsonTest {

    private static final String ID =
            "4f1c2b0e9a7d3c5b8e6f0a1b2c3d4e5f60718293a4b5c6d7e8f9a0b1c2d3e4f5";
    private static final ContainerInfo CONTAINER = new ContainerInfo("docker", ID, "web",
            "registry.local:5000/team/nginx:1.25@sha256:abc", Map.of("app", "web"), "", "", "");
    private static final Instant TIME = Instant.parse("2024-05-01T12:30:45.000001200Z");

    @Test
    void topLevelKeysMatchFalco() {
        JsonObject json = render(alert(Map.of(), Map.of(), CONTAINER));

        // Falco's keys plus Tarsier's id, detector and evidence.
        assertEquals(Set.of("time", "rule", "priority", "output", "message", "output_fields",
                "hostname", "source", "tags", "id", "detector", "evidence"), json.keySet());
    }

    @Test
    void scalarFieldsRenderedAsFalcoDoes() {
        JsonObject json = render(alert(Map.of(), Map.of(), CONTAINER));

        assertEquals("2024-05-01T12:30:45.000001200Z", json.get("time").getAsString());
        assertEquals("Terminal shell in container", json.get("rule").getAsString());
        assertEquals("Warning", json.get("priority").getAsString());
        assertEquals("syscall", json.get("source").getAsString());
        assertEquals("node-1", json.get("hostname").getAsString());
        assertEquals("2024-05-01T12:30:45.000001200Z: Warning A shell was spawned",
                json.get("output").getAsString());
        assertEquals("A shell was spawned", json.get("message").getAsString());
        assertEquals("rules", json.get("detector").getAsString());
        assertEquals("alert-1", json.get("id").getAsString());
        assertEquals("T1059", json.getAsJsonArray("tags").get(1).getAsString());
    }

    @Test
    void containerFieldsInOutputFields() {
        JsonObject fields = render(alert(Map.of(), Map.of(), CONTAINER))
                .getAsJsonObject("output_fields");

        assertEquals(ID.substring(0, 12), fields.get("container.id").getAsString());
        assertEquals(ID, fields.get("container.full_id").getAsString());
        assertEquals("web", fields.get("container.name").getAsString());
        assertEquals("registry.local:5000/team/nginx",
                fields.get("container.image.repository").getAsString());
        assertEquals("1.25", fields.get("container.image.tag").getAsString());
        assertEquals("sha256:abc", fields.get("container.image.digest").getAsString());
        assertEquals(1714566645000001200L, fields.get("evt.time").getAsLong());
        assertFalse(fields.has("k8s.pod.name"));
    }

    @Test
    void alertFieldsKeptWithTheirTypes() {
        JsonObject fields = render(alert(Map.of("proc.pid", 4242, "proc.cmdline", "sh -i",
                "container.name", "set-by-detector"), Map.of(), CONTAINER))
                .getAsJsonObject("output_fields");

        assertEquals(4242, fields.get("proc.pid").getAsInt());
        assertEquals("sh -i", fields.get("proc.cmdline").getAsString());
        assertEquals("set-by-detector", fields.get("container.name").getAsString());
    }

    @Test
    void hostImageFieldsAreNull() {
        JsonObject fields = render(alert(Map.of(), Map.of(), ContainerInfo.HOST_INFO))
                .getAsJsonObject("output_fields");

        assertEquals("host", fields.get("container.id").getAsString());
        assertTrue(fields.get("container.image.repository").isJsonNull());
    }

    @Test
    void emptyContainerFieldOfDetectorIsNull() {
        // The rules detector copies container.image from the event: empty outside containers.
        JsonObject fields = render(alert(Map.of("container.image", "", "proc.cwd", ""), Map.of(),
                ContainerInfo.HOST_INFO)).getAsJsonObject("output_fields");

        assertTrue(fields.get("container.image").isJsonNull());
        assertEquals("", fields.get("proc.cwd").getAsString());
    }

    @Test
    void kubernetesFieldsAddedForPods() {
        ContainerInfo pod = new ContainerInfo("containerd", ID, "app", "nginx", Map.of(),
                "web-5d9f", "shop", "0b5e");

        JsonObject fields =
                render(alert(Map.of(), Map.of(), pod)).getAsJsonObject("output_fields");

        assertEquals("web-5d9f", fields.get("k8s.pod.name").getAsString());
        assertEquals("shop", fields.get("k8s.ns.name").getAsString());
        assertEquals("0b5e", fields.get("k8s.pod.uid").getAsString());
    }

    @Test
    void evidenceRendered() {
        JsonObject evidence = render(alert(Map.of(), Map.of("score", 0.93, "window", List.of(1, 2),
                "baseline", Double.NaN), CONTAINER)).getAsJsonObject("evidence");

        assertEquals(0.93, evidence.get("score").getAsDouble());
        assertEquals(2, evidence.getAsJsonArray("window").size());
        assertTrue(evidence.get("baseline").isJsonNull());
    }

    @Test
    void lineHasNoLineBreak() {
        Alert alert = new Alert("alert-1", TIME, "rules", "r", Priority.CRITICAL,
                "two\nlines", Map.of(), List.of(), Map.of(), CONTAINER);

        String line = JsonlOutputTestSupport.GSON.toJson(AlertJson.render(alert, "node-1"));

        assertFalse(line.contains("\n"), line);
    }

    private static Alert alert(Map<String, Object> fields, Map<String, Object> evidence,
            ContainerInfo container) {
        return new Alert("alert-1", TIME, "rules", "Terminal shell in container",
                Priority.WARNING, "A shell was spawned", fields, List.of("container", "T1059"),
                evidence, container);
    }

    private static JsonObject render(Alert alert) {
        String line = JsonlOutputTestSupport.GSON.toJson(AlertJson.render(alert, "node-1"));
        return JsonParser.parseString(line).getAsJsonObject();
    }
}
