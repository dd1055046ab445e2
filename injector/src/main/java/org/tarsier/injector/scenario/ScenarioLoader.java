package org.tarsier.injector.scenario;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.tarsier.injector.docker.InjectorImage;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

import com.google.gson.Gson;
import com.google.gson.JsonParseException;

/**
 * Reads scenario files in JSON ({@code .json}) or YAML (any other name).
 *
 * <p>A file is a map with an optional {@code defaults} map and a {@code scenarios} list, or just
 * the list. Each scenario has {@code kind} and optionally {@code id}, {@code target},
 * {@code intensity}, {@code duration}, {@code start}, {@code repetitions}, {@code interval} and
 * {@code limits} ({@code cpus}, {@code memory_mb}, {@code pids}); {@code defaults} may set all
 * but {@code kind} and {@code id}. Durations are seconds as a number or a string with a unit
 * ({@code 500ms}, {@code 20s}, {@code 2m}). A target is {@code new}, {@code {image: REF}},
 * {@code {name: NAME}} or {@code {label: KEY=VALUE}}. Unknown keys are errors, so that a typo
 * does not silently run a default.
 */
public final class ScenarioLoader {

    static final Duration DEFAULT_DURATION = Duration.ofSeconds(20);
    static final Limits DEFAULT_LIMITS = new Limits(0.5, 128, 128);
    static final Duration DEFAULT_GAP = Duration.ofSeconds(5);

    private static final Set<String> SCENARIO_KEYS = Set.of("id", "kind", "target", "intensity",
            "duration", "start", "repetitions", "interval", "limits");
    private static final Set<String> DEFAULT_KEYS = Set.of("target", "intensity", "duration",
            "start", "repetitions", "interval", "limits");
    private static final Set<String> LIMIT_KEYS = Set.of("cpus", "memory_mb", "pids");
    private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h)?");

    private ScenarioLoader() {
    }

    /** Reads and validates every scenario of {@code file}. */
    public static List<Scenario> load(Path file) throws IOException, ScenarioException {
        String text = Files.readString(file);
        boolean json = file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".json");
        return parse(file.toString(), text, json);
    }

    /** Parses scenarios from {@code text}; {@code source} names the text in messages. */
    public static List<Scenario> parse(String source, String text, boolean json)
            throws ScenarioException {
        Object root = json ? parseJson(source, text) : parseYaml(source, text);
        return new ScenarioLoader.Reader(source).scenarios(root);
    }

    private static Object parseJson(String source, String text) throws ScenarioException {
        try {
            return new Gson().fromJson(text, Object.class);
        } catch (JsonParseException e) {
            throw new ScenarioException(source + ": invalid JSON: " + e.getMessage(), e);
        }
    }

    private static Object parseYaml(String source, String text) throws ScenarioException {
        try {
            return new Yaml(new SafeConstructor(new LoaderOptions())).load(text);
        } catch (YAMLException e) {
            throw new ScenarioException(source + ": invalid YAML: " + e.getMessage(), e);
        }
    }

    /** Validating reader of one file's tree of maps, lists and scalars. */
    private static final class Reader {
        private final String source;

        Reader(String source) {
            this.source = source;
        }

        List<Scenario> scenarios(Object root) throws ScenarioException {
            Map<String, Object> defaults = Map.of();
            Object list = root;
            if (root instanceof Map<?, ?> map) {
                Map<String, Object> top = asMap(map, "the file");
                checkKeys(top, Set.of("defaults", "scenarios"), "the file");
                if (top.containsKey("defaults")) {
                    defaults = asMap(top.get("defaults"), "defaults");
                    checkKeys(defaults, DEFAULT_KEYS, "defaults");
                }
                list = top.get("scenarios");
            }
            if (!(list instanceof List<?> entries) || entries.isEmpty()) {
                throw new ScenarioException(source + ": no scenarios: expected a non-empty list"
                        + " 'scenarios'");
            }
            List<Scenario> result = new ArrayList<>();
            Set<String> ids = new HashSet<>();
            for (int i = 0; i < entries.size(); i++) {
                Scenario scenario = scenario(i + 1, entries.get(i), defaults);
                if (!ids.add(scenario.id())) {
                    throw new ScenarioException(source + ": duplicate scenario id '"
                            + scenario.id() + "'");
                }
                result.add(scenario);
            }
            return result;
        }

        private Scenario scenario(int index, Object entry, Map<String, Object> defaults)
                throws ScenarioException {
            String position = "scenario " + index;
            Map<String, Object> own = asMap(entry, position);
            checkKeys(own, SCENARIO_KEYS, position);
            Map<String, Object> values = new LinkedHashMap<>(defaults);
            values.putAll(own);

            Object kindValue = values.get("kind");
            if (kindValue == null) {
                throw error(position, "kind", "missing", "one of " + Kind.ids());
            }
            Kind kind = Kind.byId(kindValue.toString()).orElseThrow(
                    () -> error(position, "kind", kindValue, "one of " + Kind.ids()));
            String id = values.containsKey("id") ? values.get("id").toString()
                    : kind.id() + "-" + index;
            String where = position + " (" + id + ")";

            Target target = target(where, values.get("target"));
            int intensity = positiveInt(where, "intensity", values.get("intensity"),
                    kind.defaultIntensity());
            Duration duration = duration(where, "duration", values.get("duration"),
                    DEFAULT_DURATION);
            if (duration.isZero()) {
                throw error(where, "duration", values.get("duration"), "a positive duration");
            }
            Duration start = duration(where, "start", values.get("start"), Duration.ZERO);
            int repetitions = positiveInt(where, "repetitions", values.get("repetitions"), 1);
            Duration interval = duration(where, "interval", values.get("interval"),
                    duration.plus(DEFAULT_GAP));
            Limits limits = limits(where, values.get("limits"));
            return new Scenario(id, kind, target, intensity, duration, start, repetitions,
                    interval, limits);
        }

        private Target target(String where, Object value) throws ScenarioException {
            if (value == null || "new".equals(value)) {
                return Target.newContainer(InjectorImage.REFERENCE);
            }
            if (!(value instanceof Map<?, ?>)) {
                throw error(where, "target", value, "new, {image: REF}, {name: NAME} or"
                        + " {label: KEY=VALUE}");
            }
            Map<String, Object> map = asMap(value, where + " target");
            checkKeys(map, Set.of("image", "name", "label"), where + " target");
            if (map.size() != 1) {
                throw error(where, "target", value, "exactly one of image, name or label");
            }
            Map.Entry<String, Object> entry = map.entrySet().iterator().next();
            String text = entry.getValue() == null ? "" : entry.getValue().toString().trim();
            if (text.isEmpty()) {
                throw error(where, "target." + entry.getKey(), entry.getValue(),
                        "a non-empty value");
            }
            return switch (entry.getKey()) {
                case "image" -> Target.newContainer(text);
                case "name" -> new Target(Target.Type.NAME, text);
                default -> {
                    if (!text.contains("=")) {
                        throw error(where, "target.label", text, "KEY=VALUE");
                    }
                    yield new Target(Target.Type.LABEL, text);
                }
            };
        }

        private Limits limits(String where, Object value) throws ScenarioException {
            if (value == null) {
                return DEFAULT_LIMITS;
            }
            Map<String, Object> map = asMap(value, where + " limits");
            checkKeys(map, LIMIT_KEYS, where + " limits");
            double cpus = DEFAULT_LIMITS.cpus();
            if (map.containsKey("cpus")) {
                cpus = number(where, "limits.cpus", map.get("cpus"));
                if (!(cpus > 0)) {
                    throw error(where, "limits.cpus", map.get("cpus"), "a positive number");
                }
            }
            long memory = positiveInt(where, "limits.memory_mb", map.get("memory_mb"),
                    DEFAULT_LIMITS.memoryMib());
            long pids = positiveInt(where, "limits.pids", map.get("pids"), DEFAULT_LIMITS.pids());
            return new Limits(cpus, memory, pids);
        }

        private int positiveInt(String where, String key, Object value, long fallback)
                throws ScenarioException {
            if (value == null) {
                return (int) fallback;
            }
            double number = number(where, key, value);
            if (number < 1 || number != Math.rint(number) || number > Integer.MAX_VALUE) {
                throw error(where, key, value, "a whole number of at least 1");
            }
            return (int) number;
        }

        private double number(String where, String key, Object value) throws ScenarioException {
            if (value instanceof Number n) {
                return n.doubleValue();
            }
            try {
                return Double.parseDouble(value.toString().trim());
            } catch (NumberFormatException e) {
                throw error(where, key, value, "a number");
            }
        }

        private Duration duration(String where, String key, Object value, Duration fallback)
                throws ScenarioException {
            if (value == null) {
                return fallback;
            }
            if (value instanceof Number n && n.doubleValue() >= 0) {
                return Duration.ofMillis(Math.round(n.doubleValue() * 1000));
            }
            Matcher matcher = DURATION.matcher(value.toString().trim());
            if (!matcher.matches()) {
                throw error(where, key, value, "seconds, or a number with unit ms, s, m or h");
            }
            double amount = Double.parseDouble(matcher.group(1));
            String unit = matcher.group(2) == null ? "s" : matcher.group(2);
            double millis = switch (unit) {
                case "ms" -> amount;
                case "m" -> amount * 60_000;
                case "h" -> amount * 3_600_000;
                default -> amount * 1000;
            };
            return Duration.ofMillis(Math.round(millis));
        }

        private Map<String, Object> asMap(Object value, String where) throws ScenarioException {
            if (!(value instanceof Map<?, ?> map)) {
                throw new ScenarioException(source + ": " + where + " is "
                        + (value == null ? "empty" : "'" + value + "'") + ", expected a map");
            }
            Map<String, Object> result = new LinkedHashMap<>();
            map.forEach((k, v) -> result.put(String.valueOf(k), v));
            return result;
        }

        private void checkKeys(Map<String, Object> map, Set<String> allowed, String where)
                throws ScenarioException {
            for (String key : map.keySet()) {
                if (!allowed.contains(key)) {
                    throw new ScenarioException(source + ": " + where + ": unknown key '" + key
                            + "', expected one of " + new java.util.TreeSet<>(allowed));
                }
            }
        }

        private ScenarioException error(String where, String key, Object value,
                String expected) {
            return new ScenarioException(source + ": " + where + ": invalid " + key + " '"
                    + value + "', expected " + expected);
        }
    }
}
