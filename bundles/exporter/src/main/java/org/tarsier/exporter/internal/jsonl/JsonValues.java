package org.tarsier.exporter.internal.jsonl;

import java.lang.reflect.Array;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;

/**
 * Conversion of the values found in events, alert fields and evidence to JSON trees.
 *
 * <p>Strings, numbers, booleans, maps, collections, arrays, records, enums and instants become
 * their JSON counterparts; any other object becomes its {@code toString()}. Non-finite floating
 * point numbers become {@code null}, because JSON has no literal for them.
 */
final class JsonValues {

    /** RFC 3339 in UTC with nine fraction digits, the form of Falco's {@code time} field. */
    static final DateTimeFormatter RFC_3339_NANOS =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSSSS'Z'")
                    .withZone(ZoneOffset.UTC);

    // Bounds the recursion into maps, collections and records that contain themselves.
    private static final int MAX_DEPTH = 16;

    /** A record component's JSON name and accessor. */
    private record Component(String jsonName, String name, Method accessor) {
    }

    private static final ClassValue<List<Component>> COMPONENTS = new ClassValue<>() {
        @Override
        protected List<Component> computeValue(Class<?> type) {
            List<Component> components = new ArrayList<>();
            for (RecordComponent component : type.getRecordComponents()) {
                Method accessor = component.getAccessor();
                // Records nested in non-public classes have accessors that are not accessible.
                accessor.trySetAccessible();
                components.add(new Component(
                        snakeCase(component.getName()), component.getName(), accessor));
            }
            return List.copyOf(components);
        }
    };

    private JsonValues() {
    }

    /** Formats {@code time} as RFC 3339 in UTC with nanoseconds. */
    static String formatTime(Instant time) {
        return RFC_3339_NANOS.format(time);
    }

    /** Converts {@code value} to a JSON tree. */
    static JsonElement toJson(Object value) {
        return toJson(value, 0);
    }

    /** Returns {@code camelCase} as {@code snake_case}, e.g. {@code argvTruncated}. */
    static String snakeCase(String name) {
        StringBuilder out = new StringBuilder(name.length() + 4);
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (Character.isUpperCase(c)) {
                if (i > 0) {
                    out.append('_');
                }
                out.append(Character.toLowerCase(c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /**
     * Adds the record components of {@code record} to {@code target} under snake_case names,
     * except the ones named in {@code skipped}.
     */
    static void addComponents(Record record, JsonObject target, int depth, String... skipped) {
        for (Component component : COMPONENTS.get(record.getClass())) {
            if (isSkipped(component.name(), skipped)) {
                continue;
            }
            Object value;
            try {
                value = component.accessor().invoke(record);
            } catch (IllegalAccessException | InvocationTargetException e) {
                value = "<unreadable: " + e + ">";
            }
            target.add(component.jsonName(), toJson(value, depth + 1));
        }
    }

    private static JsonElement toJson(Object value, int depth) {
        if (value == null) {
            return JsonNull.INSTANCE;
        }
        if (depth > MAX_DEPTH) {
            return new JsonPrimitive(value.toString());
        }
        return switch (value) {
            case JsonElement element -> element;
            case String text -> new JsonPrimitive(text);
            case Character c -> new JsonPrimitive(c.toString());
            case Boolean flag -> new JsonPrimitive(flag);
            case Double d -> Double.isFinite(d) ? new JsonPrimitive(d) : JsonNull.INSTANCE;
            case Float f -> Float.isFinite(f) ? new JsonPrimitive(f) : JsonNull.INSTANCE;
            case Number number -> new JsonPrimitive(number);
            case Enum<?> constant -> new JsonPrimitive(constant.name());
            case Instant time -> new JsonPrimitive(formatTime(time));
            case Optional<?> optional -> toJson(optional.orElse(null), depth + 1);
            case Map<?, ?> map -> mapToJson(map, depth);
            case Iterable<?> items -> iterableToJson(items, depth);
            case Record record -> recordToJson(record, depth);
            default -> value.getClass().isArray()
                    ? arrayToJson(value, depth)
                    : new JsonPrimitive(value.toString());
        };
    }

    private static JsonObject mapToJson(Map<?, ?> map, int depth) {
        JsonObject object = new JsonObject();
        map.forEach((key, item) -> object.add(String.valueOf(key), toJson(item, depth + 1)));
        return object;
    }

    private static JsonArray iterableToJson(Iterable<?> items, int depth) {
        JsonArray array = new JsonArray();
        items.forEach(item -> array.add(toJson(item, depth + 1)));
        return array;
    }

    private static JsonArray arrayToJson(Object values, int depth) {
        JsonArray array = new JsonArray();
        int length = Array.getLength(values);
        for (int i = 0; i < length; i++) {
            array.add(toJson(Array.get(values, i), depth + 1));
        }
        return array;
    }

    private static JsonObject recordToJson(Record record, int depth) {
        JsonObject object = new JsonObject();
        addComponents(record, object, depth);
        return object;
    }

    private static boolean isSkipped(String name, String[] skipped) {
        for (String skip : skipped) {
            if (skip.equals(name)) {
                return true;
            }
        }
        return false;
    }
}
