package org.tarsier.exporter.internal.jsonl;

import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

import org.tarsier.api.alert.Alert;
import org.tarsier.api.container.ContainerInfo;
import org.tarsier.api.container.ImageReference;

import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;

/**
 * Renders an {@link Alert} in the shape of Falco's JSON output, so that consumers of Falco alerts
 * such as Falcosidekick can read it.
 *
 * <p>Falco's keys: {@code time} (RFC 3339, UTC, nine fraction digits), {@code rule},
 * {@code priority} (Falco's name, e.g. {@code Warning}), {@code output} (time, priority and
 * message, as Falco prefixes its output), {@code message} (the message alone), {@code source}
 * (always {@code syscall}), {@code hostname}, {@code tags} and {@code output_fields}. Tarsier adds
 * {@code id}, {@code detector} and {@code evidence}. Keys are sorted, as in Falco's output.
 *
 * <p>{@code output_fields} contains the alert's fields plus {@code evt.time} (epoch nanoseconds)
 * and the container fields {@code container.id} (12 characters, as Falco shortens it),
 * {@code container.full_id}, {@code container.name}, {@code container.image},
 * {@code container.image.repository}, {@code container.image.tag},
 * {@code container.image.digest} and, in Kubernetes, {@code k8s.pod.name}, {@code k8s.ns.name}
 * and {@code k8s.pod.uid}. A field the detector set itself is kept as the detector set it.
 * Unknown image parts are {@code null}, as Falco writes fields it could not resolve.
 */
public final class AlertJson {

    static final String SOURCE = "syscall";

    private AlertJson() {
    }

    /** Renders {@code alert} as a JSON object, with {@code hostname} as the host's name. */
    public static JsonObject render(Alert alert, String hostname) {
        String time = JsonValues.formatTime(alert.time());
        String priority = alert.priority().falcoName();

        JsonObject json = new JsonObject();
        json.addProperty("detector", alert.detector());
        json.add("evidence", JsonValues.toJson(new TreeMap<>(alert.evidence())));
        json.addProperty("hostname", hostname);
        json.addProperty("id", alert.id());
        json.addProperty("message", alert.message());
        json.addProperty("output", time + ": " + priority + " " + alert.message());
        json.add("output_fields", outputFields(alert));
        json.addProperty("priority", priority);
        json.addProperty("rule", alert.rule());
        json.addProperty("source", SOURCE);
        json.add("tags", JsonValues.toJson(alert.tags()));
        json.addProperty("time", time);
        return json;
    }

    private static JsonObject outputFields(Alert alert) {
        Map<String, JsonElement> fields = new TreeMap<>();
        fields.put("evt.time", new JsonPrimitive(epochNanos(alert.time())));
        addContainerFields(alert.container(), fields);
        alert.fields().forEach((name, value) -> {
            // An unknown container field is null even where a rule printed it as an empty string.
            if (!(fields.containsKey(name) && "".equals(value))) {
                fields.put(name, JsonValues.toJson(value));
            }
        });

        JsonObject json = new JsonObject();
        fields.forEach(json::add);
        return json;
    }

    private static void addContainerFields(
            ContainerInfo container, Map<String, JsonElement> fields) {
        ImageReference image = ImageReference.parse(container.image());
        fields.put("container.id", new JsonPrimitive(container.shortId()));
        fields.put("container.full_id", new JsonPrimitive(container.id()));
        fields.put("container.name", new JsonPrimitive(container.name()));
        fields.put("container.image", orNull(container.image()));
        fields.put("container.image.repository", orNull(image.repository()));
        fields.put("container.image.tag", orNull(image.tag()));
        fields.put("container.image.digest", orNull(image.digest()));
        if (!container.podName().isEmpty()) {
            fields.put("k8s.pod.name", new JsonPrimitive(container.podName()));
            fields.put("k8s.ns.name", orNull(container.podNamespace()));
            fields.put("k8s.pod.uid", orNull(container.podUid()));
        }
    }

    private static JsonElement orNull(String value) {
        return value.isEmpty() ? JsonNull.INSTANCE : new JsonPrimitive(value);
    }

    private static long epochNanos(Instant time) {
        return Math.addExact(Math.multiplyExact(time.getEpochSecond(), 1_000_000_000L),
                time.getNano());
    }
}
