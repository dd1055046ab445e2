package org.tarsier.injector.evaluate;

import java.time.Instant;
import java.time.format.DateTimeParseException;

import org.tarsier.injector.run.LabelJson;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

/**
 * The parts of one line of Tarsier's alert JSON-lines output that the evaluation needs.
 *
 * <p>The time is {@code output_fields["evt.time"]} (epoch nanoseconds of the causing event) when
 * present, else {@code time} (RFC 3339). The container is {@code output_fields["container.full_id"]},
 * falling back to the 12-character {@code container.id}; host alerts have {@code host}.
 *
 * @param time time of the event that caused the alert
 * @param detector detector name, e.g. {@code rules}
 * @param rule rule or model name
 * @param containerId full container id, or the short id when only that is known
 * @param containerName container name, empty when unknown
 */
public record AlertRecord(Instant time, String detector, String rule, String containerId,
        String containerName) {

    /** Parses one alert line; throws {@link IllegalArgumentException} naming what is missing. */
    public static AlertRecord parse(String line) {
        JsonObject json = JsonParser.parseString(line).getAsJsonObject();
        JsonObject fields = json.has("output_fields") && json.get("output_fields").isJsonObject()
                ? json.getAsJsonObject("output_fields") : new JsonObject();
        Instant time = time(json, fields);
        String detector = string(json, "detector");
        if (detector.isEmpty()) {
            // Falco's own output has no detector key: its alerts all come from rules.
            detector = "rules";
        }
        String container = string(fields, "container.full_id");
        if (container.isEmpty()) {
            container = string(fields, "container.id");
        }
        return new AlertRecord(time, detector, string(json, "rule"),
                container.isEmpty() ? "host" : container, string(fields, "container.name"));
    }

    /** Returns whether this alert is about the container with the full id {@code fullId}. */
    public boolean isAbout(String fullId) {
        return !containerId.isEmpty() && !containerId.equals("host")
                && fullId.startsWith(containerId);
    }

    private static Instant time(JsonObject json, JsonObject fields) {
        JsonElement nanos = fields.get("evt.time");
        if (nanos != null && nanos.isJsonPrimitive() && nanos.getAsJsonPrimitive().isNumber()) {
            return LabelJson.fromNanos(nanos.getAsLong());
        }
        String text = string(json, "time");
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("alert has no valid time: '" + text + "'", e);
        }
    }

    private static String string(JsonObject json, String key) {
        JsonElement value = json.get(key);
        return value == null || value.isJsonNull() ? "" : value.getAsString();
    }
}
