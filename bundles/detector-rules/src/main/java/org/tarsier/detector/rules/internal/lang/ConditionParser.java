package org.tarsier.detector.rules.internal.lang;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * Recursive-descent parser of Falco's condition language.
 *
 * <p>Grammar: {@code or := and ("or" and)*}, {@code and := not ("and" not)*},
 * {@code not := "not" not | "(" or ")" | field operator value | macro}. Values are quoted
 * strings or bare words that end at white space, a comma or a parenthesis, so
 * {@code evt.dir=<} and {@code fd.name startswith /etc/} parse as Falco parses them.
 */
public final class ConditionParser {

    private final String text;
    private final IntFunction<Location> locator;
    private int pos;

    private ConditionParser(String text, IntFunction<Location> locator) {
        this.text = text;
        this.locator = locator;
    }

    /**
     * Parses {@code text}; {@code locator} maps an offset in it to its file position.
     *
     * @throws RuleException naming the position of the first syntax error
     */
    public static Expr parse(String text, IntFunction<Location> locator) throws RuleException {
        ConditionParser parser = new ConditionParser(text, locator);
        parser.skipSpace();
        if (parser.atEnd()) {
            throw parser.error("empty condition");
        }
        Expr expr = parser.parseOr();
        parser.skipSpace();
        if (!parser.atEnd()) {
            throw parser.error("unexpected '" + parser.peekWord() + "'");
        }
        return expr;
    }

    private Expr parseOr() throws RuleException {
        List<Expr> operands = new ArrayList<>();
        operands.add(parseAnd());
        while (acceptKeyword("or")) {
            operands.add(parseAnd());
        }
        return operands.size() == 1 ? operands.get(0) : new Expr.Or(operands);
    }

    private Expr parseAnd() throws RuleException {
        List<Expr> operands = new ArrayList<>();
        operands.add(parseNot());
        while (acceptKeyword("and")) {
            operands.add(parseNot());
        }
        return operands.size() == 1 ? operands.get(0) : new Expr.And(operands);
    }

    private Expr parseNot() throws RuleException {
        if (acceptKeyword("not")) {
            return new Expr.Not(parseNot());
        }
        skipSpace();
        if (atEnd()) {
            throw error("unexpected end of condition, expected a field, a macro or '('");
        }
        if (text.charAt(pos) == '(') {
            pos++;
            Expr inner = parseOr();
            skipSpace();
            if (atEnd() || text.charAt(pos) != ')') {
                throw error("missing ')'");
            }
            pos++;
            return inner;
        }
        return parseTerm();
    }

    private Expr parseTerm() throws RuleException {
        int start = pos;
        String name = readIdentifier();
        if (name.isEmpty()) {
            throw error("expected a field, a macro or '(' but found '" + peekWord() + "'");
        }
        Location location = locator.apply(start);
        skipSpace();
        Operator operator = readOperator();
        if (operator == null) {
            if (name.contains(".") || name.contains("[")) {
                throw new RuleException(location, "field " + name + " needs an operator");
            }
            return new Expr.MacroRef(name, location);
        }
        List<Expr.Value> values = readValues(operator);
        return new Expr.Compare(name, operator, values, location);
    }

    private List<Expr.Value> readValues(Operator operator) throws RuleException {
        if (operator == Operator.EXISTS) {
            return List.of();
        }
        skipSpace();
        if (!operator.takesList()) {
            return List.of(readValue("value after " + operator.word()));
        }
        if (atEnd() || text.charAt(pos) != '(') {
            throw error("expected '(' after " + operator.word());
        }
        pos++;
        List<Expr.Value> values = new ArrayList<>();
        skipSpace();
        if (!atEnd() && text.charAt(pos) == ')') {
            pos++;
            return values;
        }
        while (true) {
            skipSpace();
            values.add(readValue("list item"));
            skipSpace();
            if (atEnd()) {
                throw error("missing ')' after list");
            }
            char c = text.charAt(pos++);
            if (c == ')') {
                return values;
            }
            if (c != ',') {
                pos--;
                throw error("expected ',' or ')' in list but found '" + c + "'");
            }
        }
    }

    private Expr.Value readValue(String what) throws RuleException {
        Location location = locator.apply(pos);
        if (atEnd()) {
            throw error("missing " + what);
        }
        char first = text.charAt(pos);
        if (first == '\'' || first == '"') {
            return new Expr.Value(readQuoted(first), true, location);
        }
        int start = pos;
        while (!atEnd() && !isValueEnd(text.charAt(pos))) {
            pos++;
        }
        if (pos == start) {
            throw error("missing " + what);
        }
        return new Expr.Value(text.substring(start, pos), false, location);
    }

    private String readQuoted(char quote) throws RuleException {
        int start = pos++;
        StringBuilder value = new StringBuilder();
        while (!atEnd()) {
            char c = text.charAt(pos++);
            if (c == quote) {
                return value.toString();
            }
            if (c == '\\' && !atEnd()) {
                value.append(text.charAt(pos++));
            } else {
                value.append(c);
            }
        }
        pos = start;
        throw error("unterminated string");
    }

    private Operator readOperator() {
        if (atEnd()) {
            return null;
        }
        for (String symbol : new String[] {"==", "!=", "<=", ">=", "=", "<", ">"}) {
            if (text.startsWith(symbol, pos)) {
                pos += symbol.length();
                return Operator.ofWord(symbol);
            }
        }
        int start = pos;
        String word = readWord();
        Operator operator = Operator.ofWord(word);
        if (operator == null || operator.ordinal() <= Operator.GE.ordinal()) {
            pos = start;
            return null;
        }
        return operator;
    }

    private String readIdentifier() throws RuleException {
        int start = pos;
        while (!atEnd() && isIdentifierChar(text.charAt(pos))) {
            pos++;
        }
        if (pos > start && !atEnd() && text.charAt(pos) == '[') {
            int close = text.indexOf(']', pos);
            if (close < 0) {
                throw error("missing ']' after field argument");
            }
            pos = close + 1;
        }
        return text.substring(start, pos);
    }

    private boolean acceptKeyword(String keyword) {
        skipSpace();
        int end = pos + keyword.length();
        if (text.startsWith(keyword, pos)
                && (end == text.length() || !isIdentifierChar(text.charAt(end)))) {
            pos = end;
            return true;
        }
        return false;
    }

    private String readWord() {
        int start = pos;
        while (!atEnd() && Character.isLetter(text.charAt(pos))) {
            pos++;
        }
        return text.substring(start, pos);
    }

    private String peekWord() {
        int end = pos;
        while (end < text.length() && !Character.isWhitespace(text.charAt(end))) {
            end++;
        }
        return text.substring(pos, Math.min(end, pos + 40));
    }

    private void skipSpace() {
        while (!atEnd() && Character.isWhitespace(text.charAt(pos))) {
            pos++;
        }
    }

    private boolean atEnd() {
        return pos >= text.length();
    }

    private RuleException error(String message) {
        return new RuleException(locator.apply(pos), message);
    }

    private static boolean isIdentifierChar(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '.' || c == '-';
    }

    private static boolean isValueEnd(char c) {
        return Character.isWhitespace(c) || c == ')' || c == '(' || c == ',';
    }
}
