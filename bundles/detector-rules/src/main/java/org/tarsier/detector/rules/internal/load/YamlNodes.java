package org.tarsier.detector.rules.internal.load;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.tarsier.detector.rules.internal.lang.Location;
import org.tarsier.detector.rules.internal.lang.RuleException;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/** Typed access to SnakeYAML nodes of one file, with errors that carry line and column. */
final class YamlNodes {

    private final String file;
    private final String source;

    YamlNodes(String file, String source) {
        this.file = file;
        this.source = source;
    }

    String file() {
        return file;
    }

    Location location(Node node) {
        return location(node.getStartMark());
    }

    Location location(Mark mark) {
        return new Location(file, mark.getLine() + 1, mark.getColumn() + 1);
    }

    RuleException error(Node node, String message) {
        return new RuleException(location(node), message);
    }

    Map<String, Node> mapping(Node node, String what) throws RuleException {
        if (!(node instanceof MappingNode mapping)) {
            throw error(node, what + " must be a mapping");
        }
        Map<String, Node> entries = new LinkedHashMap<>();
        for (NodeTuple tuple : mapping.getValue()) {
            if (!(tuple.getKeyNode() instanceof ScalarNode key)) {
                throw error(tuple.getKeyNode(), what + " keys must be strings");
            }
            entries.put(key.getValue(), tuple.getValueNode());
        }
        return entries;
    }

    String string(Node node, String what) throws RuleException {
        if (!(node instanceof ScalarNode scalar)) {
            throw error(node, what + " must be a string");
        }
        return scalar.getValue();
    }

    ConditionText condition(Node node, String what) throws RuleException {
        if (!(node instanceof ScalarNode scalar)) {
            throw error(node, what + " must be a string");
        }
        return new ConditionText(scalar.getValue(), new ScalarLocator(file, source, scalar));
    }

    boolean bool(Node node, String what) throws RuleException {
        String value = string(node, what).toLowerCase(Locale.ROOT);
        return switch (value) {
            case "true", "yes", "on" -> true;
            case "false", "no", "off" -> false;
            default -> throw error(node, what + " must be true or false, not '" + value + "'");
        };
    }

    List<String> strings(Node node, String what) throws RuleException {
        if (node instanceof ScalarNode scalar) {
            return scalar.getValue().isEmpty() ? List.of() : List.of(scalar.getValue());
        }
        if (!(node instanceof SequenceNode sequence)) {
            throw error(node, what + " must be a list of strings");
        }
        List<String> values = new ArrayList<>();
        for (Node item : sequence.getValue()) {
            values.add(string(item, what + " item"));
        }
        return values;
    }

    List<Node> sequence(Node node, String what) throws RuleException {
        if (!(node instanceof SequenceNode sequence)) {
            throw error(node, what + " must be a list");
        }
        return sequence.getValue();
    }
}
