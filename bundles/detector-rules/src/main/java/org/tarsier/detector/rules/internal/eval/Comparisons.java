package org.tarsier.detector.rules.internal.eval;

import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.tarsier.detector.rules.internal.lang.Expr;
import org.tarsier.detector.rules.internal.lang.Operator;
import org.tarsier.detector.rules.internal.lang.RuleException;

/** Builds the test of one field comparison, checking operator and values against the type. */
final class Comparisons {

    private Comparisons() {
    }

    static Condition build(FieldRef field, Operator operator, List<Expr.Value> values,
            Expr.Compare at) throws RuleException {
        if (operator == Operator.EXISTS) {
            return c -> exists(field.read(c));
        }
        return switch (field.type()) {
            case NUMBER -> numeric(field, operator, values, at);
            case BOOL -> bool(field, operator, values, at);
            case STRING, STRINGS -> text(field, operator, values, at);
        };
    }

    private static boolean exists(Object value) {
        return value != null && !(value instanceof List<?> list && list.isEmpty())
                && !"".equals(value);
    }

    private static Condition numeric(FieldRef field, Operator operator, List<Expr.Value> values,
            Expr.Compare at) throws RuleException {
        Set<Long> numbers = new HashSet<>();
        for (Expr.Value value : values) {
            try {
                numbers.add(Long.parseLong(value.text().strip()));
            } catch (NumberFormatException e) {
                throw new RuleException(value.location(), "field " + field.text()
                        + " is numeric but '" + value.text() + "' is not a number");
            }
        }
        long first = values.isEmpty() ? 0 : Long.parseLong(values.get(0).text().strip());
        Predicate<Long> test = switch (operator) {
            case EQ, EQ2 -> v -> v == first;
            case NE -> v -> v != first;
            case LT -> v -> v < first;
            case LE -> v -> v <= first;
            case GT -> v -> v > first;
            case GE -> v -> v >= first;
            case IN, INTERSECTS -> numbers::contains;
            default -> throw invalidOperator(field, operator, at);
        };
        return c -> field.read(c) instanceof Long v && test.test(v);
    }

    private static Condition bool(FieldRef field, Operator operator, List<Expr.Value> values,
            Expr.Compare at) throws RuleException {
        if (operator != Operator.EQ && operator != Operator.EQ2 && operator != Operator.NE) {
            throw invalidOperator(field, operator, at);
        }
        String text = values.get(0).text().toLowerCase(Locale.ROOT);
        if (!text.equals("true") && !text.equals("false")) {
            throw new RuleException(values.get(0).location(), "field " + field.text()
                    + " is true or false, not '" + values.get(0).text() + "'");
        }
        boolean expected = Boolean.parseBoolean(text) ^ operator == Operator.NE;
        return c -> field.read(c) instanceof Boolean v && v == expected;
    }

    private static Condition text(FieldRef field, Operator operator, List<Expr.Value> values,
            Expr.Compare at) throws RuleException {
        List<String> texts = values.stream().map(Expr.Value::text).toList();
        String first = texts.isEmpty() ? "" : texts.get(0);
        if (operator == Operator.NE) {
            return c -> {
                Object value = field.read(c);
                if (value instanceof List<?> list) {
                    return !list.contains(first);
                }
                return value != null && !value.equals(first);
            };
        }
        Predicate<String> test = textTest(field, operator, texts, first, at);
        return c -> {
            Object value = field.read(c);
            if (value instanceof String s) {
                return test.test(s);
            }
            if (value instanceof List<?> list) {
                for (Object element : list) {
                    if (test.test((String) element)) {
                        return true;
                    }
                }
            }
            return false;
        };
    }

    private static Predicate<String> textTest(FieldRef field, Operator operator,
            List<String> texts, String first, Expr.Compare at) throws RuleException {
        return switch (operator) {
            case EQ, EQ2 -> first::equals;
            case IN, INTERSECTS -> Set.copyOf(texts)::contains;
            case PMATCH -> {
                String[] prefixes = texts.toArray(String[]::new);
                yield s -> {
                    for (String prefix : prefixes) {
                        if (isPathPrefix(prefix, s)) {
                            return true;
                        }
                    }
                    return false;
                };
            }
            case CONTAINS -> s -> s.contains(first);
            case ICONTAINS -> {
                String lower = first.toLowerCase(Locale.ROOT);
                yield s -> s.toLowerCase(Locale.ROOT).contains(lower);
            }
            case BCONTAINS -> {
                String bytes = hexBytes(first, at);
                yield s -> s.contains(bytes);
            }
            case STARTSWITH -> s -> s.startsWith(first);
            case BSTARTSWITH -> {
                String bytes = hexBytes(first, at);
                yield s -> s.startsWith(bytes);
            }
            case ENDSWITH -> s -> s.endsWith(first);
            case GLOB -> globPattern(first, 0).asMatchPredicate();
            case IGLOB -> globPattern(first, Pattern.CASE_INSENSITIVE).asMatchPredicate();
            case REGEX -> regex(first, at).asMatchPredicate();
            default -> throw invalidOperator(field, operator, at);
        };
    }

    private static boolean isPathPrefix(String prefix, String path) {
        if (!path.startsWith(prefix)) {
            return false;
        }
        return path.length() == prefix.length() || prefix.endsWith("/")
                || path.charAt(prefix.length()) == '/';
    }

    private static String hexBytes(String hex, Expr.Compare at) throws RuleException {
        try {
            byte[] bytes = HexFormat.of().parseHex(hex);
            return new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1);
        } catch (IllegalArgumentException e) {
            throw new RuleException(at.location(), "'" + hex + "' is not an even number of hex"
                    + " digits");
        }
    }

    private static Pattern regex(String text, Expr.Compare at) throws RuleException {
        try {
            return Pattern.compile(text);
        } catch (PatternSyntaxException e) {
            throw new RuleException(at.location(), "invalid regex '" + text + "': "
                    + e.getDescription());
        }
    }

    /** Converts a shell glob ({@code *}, {@code ?}, {@code [...]}) to a regular expression. */
    static Pattern globPattern(String glob, int flags) {
        StringBuilder regex = new StringBuilder();
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            switch (c) {
                case '*' -> regex.append(".*");
                case '?' -> regex.append('.');
                case '[' -> {
                    int close = glob.indexOf(']', i + 1);
                    if (close < 0) {
                        regex.append("\\[");
                    } else {
                        String set = glob.substring(i + 1, close).replace("\\", "\\\\");
                        if (set.startsWith("!")) {
                            set = "^" + set.substring(1);
                        }
                        regex.append('[').append(set).append(']');
                        i = close;
                    }
                }
                default -> regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(regex.toString(), flags | Pattern.DOTALL);
    }

    private static RuleException invalidOperator(FieldRef field, Operator operator,
            Expr.Compare at) {
        return new RuleException(at.location(), "operator " + operator.word()
                + " cannot compare field " + field.text() + " of type "
                + field.type().name().toLowerCase(Locale.ROOT));
    }
}
