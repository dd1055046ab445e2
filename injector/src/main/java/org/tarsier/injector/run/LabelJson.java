package org.tarsier.injector.run;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

/**
 * JSON form of a {@link Label}: one object per line, times both as epoch nanoseconds
 * ({@code start_ns}, {@code end_ns}) and as ISO 8601 UTC strings ({@code start}, {@code end}).
 */
public final class LabelJson {

    private LabelJson() {
    }

    /** Renders a label as one line of JSON. */
    public static String toLine(Label label) {
        JsonObject json = new JsonObject();
        json.addProperty("run", label.run());
        json.addProperty("scenario", label.scenario());
        json.addProperty("repetition", label.repetition());
        json.addProperty("kind", label.kind());
        json.addProperty("anomaly", label.anomaly());
        json.addProperty("container_id", label.containerId());
        json.addProperty("container_name", label.containerName());
        json.addProperty("image", label.image());
        json.addProperty("start_ns", epochNanos(label.start()));
        json.addProperty("start", DateTimeFormatter.ISO_INSTANT.format(label.start()));
        json.addProperty("end_ns", epochNanos(label.end()));
        json.addProperty("end", DateTimeFormatter.ISO_INSTANT.format(label.end()));
        json.addProperty("intensity", label.intensity());
        json.addProperty("intensity_unit", label.intensityUnit());
        JsonArray expected = new JsonArray();
        label.expected().forEach(expected::add);
        json.add("expected", expected);
        json.addProperty("interrupted", label.interrupted());
        return json.toString();
    }

    /** Parses a line written by {@link #toLine}; times are read from the nanosecond fields. */
    public static Label fromLine(String line) {
        JsonObject json = JsonParser.parseString(line).getAsJsonObject();
        List<String> expected = new ArrayList<>();
        for (JsonElement element : json.getAsJsonArray("expected")) {
            expected.add(element.getAsString());
        }
        return new Label(json.get("run").getAsString(), json.get("scenario").getAsString(),
                json.get("repetition").getAsInt(), json.get("kind").getAsString(),
                json.get("anomaly").getAsBoolean(), json.get("container_id").getAsString(),
                json.get("container_name").getAsString(), json.get("image").getAsString(),
                fromNanos(json.get("start_ns").getAsLong()),
                fromNanos(json.get("end_ns").getAsLong()), json.get("intensity").getAsInt(),
                json.get("intensity_unit").getAsString(), expected,
                json.has("interrupted") && json.get("interrupted").getAsBoolean());
    }

    /** Returns nanoseconds since the epoch. */
    public static long epochNanos(Instant time) {
        return Math.addExact(Math.multiplyExact(time.getEpochSecond(), 1_000_000_000L),
                time.getNano());
    }

    /** Returns the instant of {@code nanos} since the epoch. */
    public static Instant fromNanos(long nanos) {
        return Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L),
                Math.floorMod(nanos, 1_000_000_000L));
    }
}
