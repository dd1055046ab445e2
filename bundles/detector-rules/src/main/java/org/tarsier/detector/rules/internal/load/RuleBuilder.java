package org.tarsier.detector.rules.internal.load;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.tarsier.api.alert.Priority;
import org.tarsier.detector.rules.internal.lang.Location;
import org.tarsier.detector.rules.internal.lang.RuleException;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;

/** A rule being assembled from its definition and later appends and overrides. */
final class RuleBuilder {

    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h)?");

    private final String name;
    private final Location location;
    private String desc = "";
    private ConditionText condition;
    private String output = "";
    private Priority priority;
    private List<String> tags = new ArrayList<>();
    private boolean enabled = true;
    private final Map<String, ExceptionDef> exceptions = new LinkedHashMap<>();
    private String source = "syscall";
    private ThresholdDef threshold;

    private RuleBuilder(String name, Location location) {
        this.name = name;
        this.location = location;
    }

    static RuleBuilder define(YamlNodes nodes, String name, Map<String, Node> entries)
            throws RuleException {
        RuleBuilder rule = new RuleBuilder(name, nodes.location(entries.get("rule")));
        for (String required : List.of("condition", "output", "priority")) {
            if (!entries.containsKey(required)) {
                throw new RuleException(rule.location, "rule " + name + " has no " + required);
            }
        }
        rule.condition = nodes.condition(entries.get("condition"), "condition of " + name);
        rule.output = nodes.string(entries.get("output"), "output of " + name).strip();
        rule.priority = RulesLoader.priority(nodes, entries.get("priority"));
        if (entries.containsKey("desc")) {
            rule.desc = nodes.string(entries.get("desc"), "desc of " + name).strip();
        }
        if (entries.containsKey("tags")) {
            rule.tags = new ArrayList<>(nodes.strings(entries.get("tags"), "tags of " + name));
        }
        if (entries.containsKey("enabled")) {
            rule.enabled = nodes.bool(entries.get("enabled"), "enabled of " + name);
        }
        if (entries.containsKey("source")) {
            rule.source = nodes.string(entries.get("source"), "source of " + name);
        }
        if (entries.containsKey("exceptions")) {
            rule.addExceptions(nodes, entries.get("exceptions"));
        }
        if (entries.containsKey("threshold")) {
            rule.threshold = threshold(nodes, entries.get("threshold"), name);
        }
        return rule;
    }

    void mergeEnabledOnly(YamlNodes nodes, Map<String, Node> entries) throws RuleException {
        if (!entries.containsKey("enabled")) {
            throw nodes.error(entries.get("rule"), "rule " + name + " is defined again without"
                    + " a condition; give a condition, enabled, append or override");
        }
        enabled = nodes.bool(entries.get("enabled"), "enabled of " + name);
    }

    void merge(YamlNodes nodes, Map<String, Node> entries, boolean legacyAppend)
            throws RuleException {
        Map<String, String> modes = new LinkedHashMap<>();
        if (legacyAppend) {
            modes.put("condition", "append");
            modes.put("exceptions", "append");
        } else {
            for (Map.Entry<String, Node> mode : nodes.mapping(entries.get("override"),
                    "override of " + name).entrySet()) {
                modes.put(mode.getKey(), nodes.string(mode.getValue(), "override mode"));
            }
        }
        for (Map.Entry<String, String> mode : modes.entrySet()) {
            String key = mode.getKey();
            Node value = entries.get(key);
            if (value == null) {
                if (legacyAppend) {
                    continue;
                }
                throw nodes.error(entries.get("override"), "override of " + key + " in rule "
                        + name + " has no " + key + " value");
            }
            apply(nodes, key, mode.getValue(), value);
        }
    }

    private void apply(YamlNodes nodes, String key, String mode, Node value)
            throws RuleException {
        boolean append = switch (mode) {
            case "append" -> true;
            case "replace" -> false;
            default -> throw nodes.error(value, "override of " + key + " in rule " + name
                    + " must be append or replace, not '" + mode + "'");
        };
        switch (key) {
            case "condition" -> {
                ConditionText text = nodes.condition(value, "condition of " + name);
                condition = append ? condition.append(text) : text;
            }
            case "output" -> {
                String text = nodes.string(value, "output of " + name).strip();
                output = append ? output + " " + text : text;
            }
            case "desc" -> {
                String text = nodes.string(value, "desc of " + name).strip();
                desc = append ? desc + " " + text : text;
            }
            case "tags" -> {
                if (!append) {
                    tags.clear();
                }
                tags.addAll(nodes.strings(value, "tags of " + name));
            }
            case "exceptions" -> {
                if (!append) {
                    exceptions.clear();
                }
                addExceptions(nodes, value);
            }
            case "priority" -> priority = RulesLoader.priority(nodes, value);
            case "enabled" -> enabled = nodes.bool(value, "enabled of " + name);
            case "threshold" -> threshold = threshold(nodes, value, name);
            default -> throw nodes.error(value, "rule " + name + ": " + key
                    + " cannot be appended or overridden");
        }
    }

    private void addExceptions(YamlNodes nodes, Node node) throws RuleException {
        for (Node item : nodes.sequence(node, "exceptions of " + name)) {
            Map<String, Node> entries = nodes.mapping(item, "exception of " + name);
            if (!entries.containsKey("name")) {
                throw nodes.error(item, "exception of rule " + name + " has no name");
            }
            String exceptionName = nodes.string(entries.get("name"), "exception name");
            List<List<Object>> values = entries.containsKey("values")
                    ? values(nodes, entries.get("values"))
                    : List.of();
            ExceptionDef existing = exceptions.get(exceptionName);
            if (existing != null && !entries.containsKey("fields")) {
                exceptions.put(exceptionName, existing.withValues(values));
                continue;
            }
            if (!entries.containsKey("fields")) {
                throw nodes.error(item, "exception " + exceptionName + " of rule " + name
                        + " has no fields");
            }
            Node fieldsNode = entries.get("fields");
            boolean scalar = fieldsNode instanceof ScalarNode;
            List<String> fields = nodes.strings(fieldsNode, "exception fields");
            List<String> comps = entries.containsKey("comps")
                    ? nodes.strings(entries.get("comps"), "exception comps")
                    : List.of();
            if (comps.isEmpty()) {
                comps = fields.stream().map(f -> scalar ? "in" : "=").toList();
            }
            if (comps.size() != fields.size()) {
                throw nodes.error(item, "exception " + exceptionName + " of rule " + name
                        + " has " + fields.size() + " fields but " + comps.size() + " comps");
            }
            exceptions.put(exceptionName, new ExceptionDef(exceptionName, fields, comps,
                    values, scalar, nodes.location(item)));
        }
    }

    private static List<List<Object>> values(YamlNodes nodes, Node node) throws RuleException {
        List<List<Object>> tuples = new ArrayList<>();
        for (Node tuple : nodes.sequence(node, "exception values")) {
            if (tuple instanceof ScalarNode scalar) {
                tuples.add(List.of(scalar.getValue()));
                continue;
            }
            List<Object> values = new ArrayList<>();
            for (Node value : nodes.sequence(tuple, "exception value tuple")) {
                if (value instanceof ScalarNode scalar) {
                    values.add(scalar.getValue());
                } else {
                    values.add(nodes.strings(value, "exception value list"));
                }
            }
            tuples.add(values);
        }
        return tuples;
    }

    private static ThresholdDef threshold(YamlNodes nodes, Node node, String rule)
            throws RuleException {
        Map<String, Node> entries = nodes.mapping(node, "threshold of " + rule);
        Node countNode = entries.get("count");
        if (countNode == null) {
            throw nodes.error(node, "threshold of rule " + rule + " has no count");
        }
        long count;
        try {
            count = Long.parseLong(nodes.string(countNode, "threshold count"));
        } catch (NumberFormatException e) {
            count = 0;
        }
        if (count < 1) {
            throw nodes.error(countNode, "threshold count of rule " + rule
                    + " must be a whole number of at least 1");
        }
        Node windowNode = entries.get("window");
        Duration window = windowNode == null
                ? Duration.ofSeconds(10)
                : duration(nodes, windowNode, rule);
        List<String> by = entries.containsKey("by")
                ? nodes.strings(entries.get("by"), "threshold by")
                : List.of();
        String distinct = entries.containsKey("distinct")
                ? nodes.string(entries.get("distinct"), "threshold distinct")
                : "";
        return new ThresholdDef(count, window, by, distinct);
    }

    private static Duration duration(YamlNodes nodes, Node node, String rule)
            throws RuleException {
        String text = nodes.string(node, "threshold window").strip().toLowerCase(Locale.ROOT);
        Matcher matcher = DURATION.matcher(text);
        if (!matcher.matches() || Long.parseLong(matcher.group(1)) == 0) {
            throw nodes.error(node, "threshold window of rule " + rule + " must be a positive"
                    + " duration such as 500ms, 10s, 5m or 1h, not '" + text + "'");
        }
        long amount = Long.parseLong(matcher.group(1));
        String unit = matcher.group(2) == null ? "s" : matcher.group(2);
        return switch (unit) {
            case "ms" -> Duration.ofMillis(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            default -> Duration.ofSeconds(amount);
        };
    }

    RuleDef build() {
        return new RuleDef(name, desc, condition, output, priority, tags, enabled,
                new ArrayList<>(exceptions.values()), source, threshold, location);
    }
}
