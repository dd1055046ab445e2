package org.tarsier.detector.rules.internal.load;

import java.util.function.IntFunction;
import org.tarsier.detector.rules.internal.lang.Location;
import org.yaml.snakeyaml.DumperOptions.ScalarStyle;
import org.yaml.snakeyaml.nodes.ScalarNode;

/**
 * Maps an offset in a scalar's value to its line and column in the file.
 *
 * <p>Folding and indentation change only white space, so the value's other characters appear in
 * the raw text in the same order; the mapping walks both texts and matches those characters.
 * Escapes in double-quoted scalars can shift the result by a few columns.
 */
final class ScalarLocator implements IntFunction<Location> {

    private final String file;
    private final String source;
    private final ScalarNode node;

    ScalarLocator(String file, String source, ScalarNode node) {
        this.file = file;
        this.source = source;
        this.node = node;
    }

    @Override
    public Location apply(int offset) {
        String value = node.getValue();
        int raw = startIndex();
        for (int i = 0; i < Math.min(offset, value.length()); i++) {
            char c = value.charAt(i);
            if (Character.isWhitespace(c)) {
                continue;
            }
            raw = find(c, raw) + 1;
        }
        if (offset < value.length() && !Character.isWhitespace(value.charAt(offset))) {
            raw = find(value.charAt(offset), raw);
        }
        return locationOf(raw);
    }

    private int startIndex() {
        int index = source.offsetByCodePoints(0, node.getStartMark().getIndex());
        ScalarStyle style = node.getScalarStyle();
        if (style == ScalarStyle.LITERAL || style == ScalarStyle.FOLDED) {
            int newline = source.indexOf('\n', index);
            return newline < 0 ? index : newline + 1;
        }
        if (style == ScalarStyle.SINGLE_QUOTED || style == ScalarStyle.DOUBLE_QUOTED) {
            return index + 1;
        }
        return index;
    }

    private int find(char c, int from) {
        int end = source.offsetByCodePoints(0, node.getEndMark().getIndex());
        for (int i = from; i < end; i++) {
            if (source.charAt(i) == c) {
                return i;
            }
        }
        return Math.min(from, source.length());
    }

    private Location locationOf(int index) {
        int line = 1;
        int lineStart = 0;
        for (int i = 0; i < index && i < source.length(); i++) {
            if (source.charAt(i) == '\n') {
                line++;
                lineStart = i + 1;
            }
        }
        return new Location(file, line, index - lineStart + 1);
    }
}
