package org.tarsier.container.internal;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;

/**
 * Decodes the Docker Engine API responses that the resolver uses (API 1.24 and later).
 *
 * <p>Every decoder throws {@link JsonParseException} on malformed JSON or on a missing id, and
 * treats any other missing field as empty.
 */
final class DockerJson {

    /** Prefix of an image id. */
    private static final String ID_PREFIX = "sha256:";
    /** Digits of the short image id that {@code docker images} shows. */
    private static final int SHORT_ID_DIGITS = 12;

    /** Docker's start time of a container that never started. */
    private static final String ZERO_TIME_PREFIX = "0001-01-01";

    private DockerJson() {
    }

    /** Decodes the response of {@code GET /containers/{id}/json}. */
    static DockerContainer inspect(String json) {
        JsonObject root = object(JsonParser.parseString(json));
        JsonObject config = object(root.get("Config"));
        JsonObject state = object(root.get("State"));
        return new DockerContainer(
                requiredString(root, "Id"),
                string(root, "Name"),
                imageReference(string(config, "Image"), string(root, "Image")),
                stringMap(config.get("Labels")),
                instant(string(state, "StartedAt")),
                integer(state, "Pid"),
                bool(state, "Running"));
    }

    /**
     * Decodes the response of {@code GET /containers/json}. The list carries no start time or
     * pid, so those stay unknown until the container is inspected.
     */
    static List<DockerContainer> list(String json) {
        JsonElement root = JsonParser.parseString(json);
        if (!root.isJsonArray()) {
            throw new JsonParseException("container list is not a JSON array");
        }
        List<DockerContainer> containers = new ArrayList<>();
        for (JsonElement element : root.getAsJsonArray()) {
            JsonObject item = object(element);
            containers.add(new DockerContainer(
                    requiredString(item, "Id"),
                    firstString(item.get("Names")),
                    imageReference(string(item, "Image"), string(item, "ImageID")),
                    stringMap(item.get("Labels")),
                    null,
                    0,
                    "running".equals(string(item, "State"))));
        }
        return containers;
    }

    /**
     * Returns the image reference a container was created with, or the image's full id
     * ({@code sha256:…}) when the container was created from an id or a prefix of at least 12
     * digits, so that such a reference is not read as an image name.
     *
     * @param reference {@code Config.Image} of an inspect, {@code Image} of a list entry
     * @param imageId the image's id, {@code Image} of an inspect or {@code ImageID} of a list
     */
    static String imageReference(String reference, String imageId) {
        String digits = imageIdDigits(reference);
        return digits != null && imageId.startsWith(ID_PREFIX + digits) ? imageId : reference;
    }

    /** Tells whether a reference may name an image by its id (see {@link #imageIdDigits}). */
    static boolean mayBeImageId(String reference) {
        return imageIdDigits(reference) != null;
    }

    /**
     * Returns the hex digits of a reference that may name an image by its id: {@code sha256:}
     * and hex digits, or at least 12 hex digits alone; null for any other reference. A shorter
     * bare prefix could be an image's name that happens to start its own id.
     */
    private static String imageIdDigits(String reference) {
        boolean prefixed = reference.startsWith(ID_PREFIX);
        String hex = prefixed ? reference.substring(ID_PREFIX.length()) : reference;
        boolean digits = (prefixed ? !hex.isEmpty() : hex.length() >= SHORT_ID_DIGITS)
                && hex.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'));
        return digits ? hex : null;
    }

    /** Decodes one line of the {@code GET /events} stream. */
    static DockerEvent event(String line) {
        JsonObject root = object(JsonParser.parseString(line));
        JsonObject actor = object(root.get("Actor"));
        String id = string(actor, "ID");
        if (id.isEmpty()) {
            id = requiredString(root, "id");
        }
        return new DockerEvent(string(root, "Action"), id, stringMap(actor.get("Attributes")));
    }

    /** Returns {@code ApiVersion} from the response of {@code GET /version}. */
    static String apiVersion(String json) {
        return string(object(JsonParser.parseString(json)), "ApiVersion");
    }

    /**
     * Builds a container from the attributes of a create or start event. An event carries the
     * image as typed, without the image's id, so an image that may be a short id is left empty
     * until the inspect replaces it: read as a name, it would give the digits as repository and
     * the tag {@code latest}.
     */
    static DockerContainer fromEvent(DockerEvent event, boolean running) {
        Map<String, String> labels = new HashMap<>(event.attributes());
        String name = labels.remove("name");
        String image = labels.remove("image");
        if (image != null && mayBeImageId(image)) {
            image = "";
        }
        return new DockerContainer(event.id(), name, image, labels, null, 0, running);
    }

    private static JsonObject object(JsonElement element) {
        return element != null && element.isJsonObject() ? element.getAsJsonObject()
                : new JsonObject();
    }

    private static String requiredString(JsonObject object, String key) {
        String value = string(object, key);
        if (value.isEmpty()) {
            throw new JsonParseException("missing " + key);
        }
        return value;
    }

    private static String string(JsonObject object, String key) {
        JsonElement value = object.get(key);
        return value != null && value.isJsonPrimitive() ? value.getAsString() : "";
    }

    private static int integer(JsonObject object, String key) {
        JsonElement value = object.get(key);
        return value != null && value.isJsonPrimitive() && value.getAsJsonPrimitive().isNumber()
                ? value.getAsInt() : 0;
    }

    private static boolean bool(JsonObject object, String key) {
        JsonElement value = object.get(key);
        return value != null && value.isJsonPrimitive() && value.getAsBoolean();
    }

    private static String firstString(JsonElement element) {
        if (element == null || !element.isJsonArray()) {
            return "";
        }
        JsonArray array = element.getAsJsonArray();
        return array.isEmpty() || !array.get(0).isJsonPrimitive() ? "" : array.get(0).getAsString();
    }

    private static Map<String, String> stringMap(JsonElement element) {
        Map<String, String> map = new HashMap<>();
        if (element != null && element.isJsonObject()) {
            for (Map.Entry<String, JsonElement> entry : element.getAsJsonObject().entrySet()) {
                if (entry.getValue().isJsonPrimitive()) {
                    map.put(entry.getKey(), entry.getValue().getAsString());
                }
            }
        }
        return map;
    }

    private static Instant instant(String text) {
        if (text.isEmpty() || text.startsWith(ZERO_TIME_PREFIX)) {
            return null;
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
