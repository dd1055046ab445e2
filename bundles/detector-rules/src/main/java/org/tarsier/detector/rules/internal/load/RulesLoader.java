package org.tarsier.detector.rules.internal.load;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.tarsier.api.alert.Priority;
import org.tarsier.detector.rules.internal.lang.Location;
import org.tarsier.detector.rules.internal.lang.RuleException;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Reads rules files in Falco's YAML shape, in order, applying {@code append: true} and
 * {@code override:} items to the lists, macros and rules of earlier files.
 */
public final class RulesLoader {

    private static final Set<String> RULE_KEYS = Set.of("rule", "desc", "condition", "output",
            "priority", "tags", "enabled", "exceptions", "source", "append", "override",
            "threshold", "warn_evttypes", "skip-if-unknown-filter", "capture",
            "capture_duration");

    private final Map<String, List<String>> lists = new LinkedHashMap<>();
    private final Map<String, Location> listLocations = new LinkedHashMap<>();
    private final Map<String, MacroDef> macros = new LinkedHashMap<>();
    private final Map<String, RuleBuilder> rules = new LinkedHashMap<>();
    private final List<String> notices = new ArrayList<>();

    /**
     * Loads {@code sources} in order.
     *
     * @throws RuleException for the first invalid item, naming its file, line and column
     */
    public static LoadedRules load(List<RuleSource> sources) throws RuleException {
        RulesLoader loader = new RulesLoader();
        for (RuleSource source : sources) {
            loader.read(source);
        }
        return loader.result();
    }

    private void read(RuleSource source) throws RuleException {
        YamlNodes nodes = new YamlNodes(source.name(), source.text());
        Node root;
        try {
            Yaml yaml = new Yaml(new SafeConstructor(new LoaderOptions()));
            root = yaml.compose(new StringReader(source.text()));
        } catch (MarkedYAMLException e) {
            Location location = e.getProblemMark() == null
                    ? new Location(source.name(), 1, 1)
                    : nodes.location(e.getProblemMark());
            throw new RuleException(location, "invalid YAML: " + e.getProblem());
        } catch (RuntimeException e) {
            throw new RuleException(new Location(source.name(), 1, 1),
                    "invalid YAML: " + e.getMessage());
        }
        if (root == null) {
            return;
        }
        for (Node item : nodes.sequence(root, "a rules file")) {
            readItem(nodes, item);
        }
    }

    private void readItem(YamlNodes nodes, Node item) throws RuleException {
        Map<String, Node> entries = nodes.mapping(item, "a rules file item");
        if (entries.containsKey("rule")) {
            readRule(nodes, entries, item);
        } else if (entries.containsKey("macro")) {
            readMacro(nodes, entries);
        } else if (entries.containsKey("list")) {
            readList(nodes, entries);
        } else {
            String keys = String.join(", ", entries.keySet());
            notices.add(nodes.location(item) + ": ignored item with key " + keys);
        }
    }

    private void readList(YamlNodes nodes, Map<String, Node> entries) throws RuleException {
        String name = nodes.string(entries.get("list"), "list name");
        Location location = nodes.location(entries.get("list"));
        Node itemsNode = entries.get("items");
        if (itemsNode == null) {
            throw new RuleException(location, "list " + name + " has no items");
        }
        List<String> items = new ArrayList<>();
        for (String item : nodes.strings(itemsNode, "list " + name + " items")) {
            items.add(item);
        }
        String mode = mergeMode(nodes, entries, "items", name);
        if (mode.equals("append")) {
            List<String> existing = lists.get(name);
            if (existing == null) {
                throw new RuleException(location, "list " + name + " is appended to but was"
                        + " not defined in an earlier item");
            }
            existing.addAll(items);
            return;
        }
        lists.put(name, items);
        listLocations.put(name, location);
    }

    private void readMacro(YamlNodes nodes, Map<String, Node> entries) throws RuleException {
        String name = nodes.string(entries.get("macro"), "macro name");
        Location location = nodes.location(entries.get("macro"));
        Node conditionNode = entries.get("condition");
        if (conditionNode == null) {
            throw new RuleException(location, "macro " + name + " has no condition");
        }
        ConditionText condition = nodes.condition(conditionNode, "macro " + name + " condition");
        String mode = mergeMode(nodes, entries, "condition", name);
        if (mode.equals("append")) {
            MacroDef existing = macros.get(name);
            if (existing == null) {
                throw new RuleException(location, "macro " + name + " is appended to but was"
                        + " not defined in an earlier item");
            }
            macros.put(name, new MacroDef(name, existing.condition().append(condition),
                    existing.location()));
            return;
        }
        macros.put(name, new MacroDef(name, condition, location));
    }

    /**
     * Returns {@code append} or {@code replace} for {@code key}, from {@code append: true} or an
     * {@code override:} mapping; {@code define} when the item defines the name anew.
     */
    private static String mergeMode(YamlNodes nodes, Map<String, Node> entries, String key,
            String name) throws RuleException {
        if (entries.containsKey("append") && nodes.bool(entries.get("append"), "append")) {
            return "append";
        }
        Node override = entries.get("override");
        if (override == null) {
            return "define";
        }
        Map<String, Node> modes = nodes.mapping(override, "override of " + name);
        Node mode = modes.get(key);
        if (mode == null) {
            return "define";
        }
        String value = nodes.string(mode, "override of " + key);
        if (!value.equals("append") && !value.equals("replace")) {
            throw nodes.error(mode, "override of " + key + " in " + name
                    + " must be append or replace, not '" + value + "'");
        }
        return value;
    }

    private void readRule(YamlNodes nodes, Map<String, Node> entries, Node item)
            throws RuleException {
        String name = nodes.string(entries.get("rule"), "rule name");
        for (String key : entries.keySet()) {
            if (!RULE_KEYS.contains(key)) {
                notices.add(nodes.location(item) + ": rule " + name + ": ignored unknown key "
                        + key);
            }
        }
        RuleBuilder existing = rules.get(name);
        boolean legacyAppend = entries.containsKey("append")
                && nodes.bool(entries.get("append"), "append");
        if (legacyAppend || entries.containsKey("override")) {
            if (existing == null) {
                throw nodes.error(entries.get("rule"), "rule " + name + " is appended to or"
                        + " overridden but was not defined in an earlier item");
            }
            existing.merge(nodes, entries, legacyAppend);
            return;
        }
        if (existing != null && !entries.containsKey("condition")) {
            existing.mergeEnabledOnly(nodes, entries);
            return;
        }
        rules.remove(name);
        rules.put(name, RuleBuilder.define(nodes, name, entries));
    }

    private LoadedRules result() throws RuleException {
        Map<String, List<String>> expanded = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> list : lists.entrySet()) {
            expanded.put(list.getKey(), expand(list.getKey(), list.getValue(), expanded));
        }
        List<RuleDef> defs = new ArrayList<>();
        for (RuleBuilder rule : rules.values()) {
            defs.add(rule.build());
        }
        return new LoadedRules(expanded, macros, defs, notices);
    }

    private List<String> expand(String name, List<String> items,
            Map<String, List<String>> earlier) throws RuleException {
        List<String> values = new ArrayList<>();
        for (String item : items) {
            if (item.equals(name)) {
                throw new RuleException(listLocations.get(name), "list " + name
                        + " contains itself");
            }
            List<String> referenced = earlier.get(item);
            if (referenced != null) {
                values.addAll(referenced);
            } else {
                values.add(unquote(item));
            }
        }
        return values;
    }

    private static String unquote(String item) {
        if (item.length() >= 2) {
            char first = item.charAt(0);
            char last = item.charAt(item.length() - 1);
            if ((first == '"' || first == '\'') && first == last) {
                return item.substring(1, item.length() - 1);
            }
        }
        return item;
    }

    /** Parses a priority node, naming the accepted values when it is invalid. */
    static Priority priority(YamlNodes nodes, Node node) throws RuleException {
        String value = nodes.string(node, "priority");
        try {
            return Priority.parse(value);
        } catch (IllegalArgumentException e) {
            throw nodes.error(node, e.getMessage());
        }
    }
}
