package org.tarsier.exporter.internal.alert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.tarsier.api.alert.Alert;
import org.tarsier.api.alert.Priority;
import org.tarsier.api.container.ContainerInfo;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

class AlertmanagerJsonTest {

    @Test
    void labelsIdentifyRuleAndContainer() {
        JsonObject labels = render(DeliveryQueueTest.alert("a-1", "Shell in container"))
                .getAsJsonObject("labels");

        assertEquals("Shell in container", labels.get("alertname").getAsString());
        assertEquals("rules", labels.get("detector").getAsString());
        assertEquals("Critical", labels.get("priority").getAsString());
        assertEquals("critical", labels.get("severity").getAsString());
        assertEquals("node-1", labels.get("hostname").getAsString());
        assertEquals("a1b2c3d4e5f6", labels.get("container_id").getAsString());
        assertEquals("web", labels.get("container_name").getAsString());
        assertEquals("nginx:1", labels.get("image").getAsString());
    }

    @Test
    void emptyLabelsLeftOut() {
        Alert onHost = new Alert("a-2", java.time.Instant.EPOCH, "rules", "r", Priority.NOTICE,
                "m", Map.of(), List.of(), Map.of(), ContainerInfo.HOST_INFO);

        JsonObject labels = render(onHost).getAsJsonObject("labels");

        assertFalse(labels.has("image"));
        assertFalse(labels.has("k8s_pod_name"));
        assertEquals("info", labels.get("severity").getAsString());
    }

    @Test
    void annotationsCarryMessageIdAndTags() {
        JsonObject annotations = render(DeliveryQueueTest.alert("a-1", "r"))
                .getAsJsonObject("annotations");

        assertEquals("shell spawned", annotations.get("summary").getAsString());
        assertEquals("a-1", annotations.get("alert_id").getAsString());
        assertEquals("T1059", annotations.get("tags").getAsString());
    }

    @Test
    void endsAtIsTimePlusResolveDelay() {
        JsonObject alert = render(DeliveryQueueTest.alert("a-1", "r"));

        assertEquals("2026-01-02T03:04:05Z", alert.get("startsAt").getAsString());
        assertEquals("2026-01-02T03:09:05Z", alert.get("endsAt").getAsString());
    }

    private static JsonObject render(Alert alert) {
        JsonArray array = JsonParser.parseString(
                AlertmanagerJson.render(List.of(alert), "node-1", Duration.ofMinutes(5)))
                .getAsJsonArray();
        assertEquals(1, array.size());
        return array.get(0).getAsJsonObject();
    }
}
