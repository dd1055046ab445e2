package org.tarsier.detector.rules.internal.eval;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.tarsier.detector.rules.internal.lang.ConditionParser;
import org.tarsier.detector.rules.internal.lang.Expr;
import org.tarsier.detector.rules.internal.lang.Location;
import org.tarsier.detector.rules.internal.lang.Operator;
import org.tarsier.detector.rules.internal.lang.RuleException;
import org.tarsier.detector.rules.internal.load.ExceptionDef;
import org.tarsier.detector.rules.internal.load.LoadedRules;
import org.tarsier.detector.rules.internal.load.MacroDef;

/**
 * Compiles conditions into evaluation trees, expanding macros and lists, and works out which
 * {@code evt.type} values each condition can match.
 */
final class Compiler {

    /**
     * A compiled condition.
     *
     * @param condition the evaluation tree
     * @param types {@code evt.type} names it can match, or null when it can match any
     */
    record Compiled(Condition condition, Set<String> types) {
    }

    private final LoadedRules loaded;
    private final Map<String, Expr> parsedMacros = new HashMap<>();
    private final Deque<String> expanding = new ArrayDeque<>();

    Compiler(LoadedRules loaded) {
        this.loaded = loaded;
    }

    Compiled compile(Expr expr) throws RuleException, UnsupportedFieldException {
        return switch (expr) {
            case Expr.And and -> and(and.operands());
            case Expr.Or or -> or(or.operands());
            case Expr.Not not -> {
                Condition inner = compile(not.operand()).condition();
                yield new Compiled(c -> !inner.test(c), null);
            }
            case Expr.MacroRef ref -> macro(ref);
            case Expr.Compare compare -> compare(compare);
        };
    }

    private Compiled and(List<Expr> operands) throws RuleException, UnsupportedFieldException {
        Condition[] parts = new Condition[operands.size()];
        Set<String> types = null;
        for (int i = 0; i < parts.length; i++) {
            Compiled part = compile(operands.get(i));
            parts[i] = part.condition();
            if (part.types() != null) {
                types = types == null ? new HashSet<>(part.types()) : intersect(types, part);
            }
        }
        return new Compiled(c -> {
            for (Condition part : parts) {
                if (!part.test(c)) {
                    return false;
                }
            }
            return true;
        }, types);
    }

    private static Set<String> intersect(Set<String> types, Compiled part) {
        types.retainAll(part.types());
        return types;
    }

    private Compiled or(List<Expr> operands) throws RuleException, UnsupportedFieldException {
        Condition[] parts = new Condition[operands.size()];
        Set<String> types = new HashSet<>();
        boolean any = false;
        for (int i = 0; i < parts.length; i++) {
            Compiled part = compile(operands.get(i));
            parts[i] = part.condition();
            if (part.types() == null) {
                any = true;
            } else {
                types.addAll(part.types());
            }
        }
        return new Compiled(c -> {
            for (Condition part : parts) {
                if (part.test(c)) {
                    return true;
                }
            }
            return false;
        }, any ? null : types);
    }

    private Compiled macro(Expr.MacroRef ref) throws RuleException, UnsupportedFieldException {
        MacroDef def = loaded.macros().get(ref.name());
        if (def == null) {
            throw new RuleException(ref.location(), "unknown macro " + ref.name()
                    + " (or a field without operator)");
        }
        if (expanding.contains(ref.name())) {
            throw new RuleException(ref.location(), "macro " + ref.name() + " refers to itself");
        }
        Expr body = parsedMacros.get(ref.name());
        if (body == null) {
            body = ConditionParser.parse(def.condition().text(), def.condition().locator());
            parsedMacros.put(ref.name(), body);
        }
        expanding.push(ref.name());
        try {
            return compile(body);
        } finally {
            expanding.pop();
        }
    }

    private Compiled compare(Expr.Compare compare)
            throws RuleException, UnsupportedFieldException {
        FieldRef field = FieldRef.resolve(compare.field(), compare.location());
        Operator operator = compare.operator();
        List<Expr.Value> values = operator.takesList()
                ? expandLists(compare.values())
                : compare.values();
        Condition condition = Comparisons.build(field, operator, values, compare);
        Set<String> types = null;
        if (field.def().name().equals("evt.type")
                && (operator == Operator.EQ || operator == Operator.EQ2
                        || operator == Operator.IN)) {
            types = new LinkedHashSet<>();
            for (Expr.Value value : values) {
                types.add(value.text());
            }
        }
        return new Compiled(condition, types);
    }

    private List<Expr.Value> expandLists(List<Expr.Value> values) {
        List<Expr.Value> expanded = new ArrayList<>();
        for (Expr.Value value : values) {
            List<String> list = value.quoted() ? null : loaded.lists().get(value.text());
            if (list == null) {
                expanded.add(value);
                continue;
            }
            for (String item : list) {
                expanded.add(new Expr.Value(item, true, value.location()));
            }
        }
        return expanded;
    }

    /** Compiles the exceptions of a rule into one condition that holds when any applies. */
    Condition exceptions(List<ExceptionDef> exceptions)
            throws RuleException, UnsupportedFieldException {
        List<Condition> parts = new ArrayList<>();
        for (ExceptionDef exception : exceptions) {
            for (List<Object> tuple : exception.values()) {
                parts.add(exceptionTuple(exception, tuple));
            }
        }
        if (parts.isEmpty()) {
            return null;
        }
        Condition[] array = parts.toArray(Condition[]::new);
        return c -> {
            for (Condition part : array) {
                if (part.test(c)) {
                    return true;
                }
            }
            return false;
        };
    }

    private Condition exceptionTuple(ExceptionDef exception, List<Object> tuple)
            throws RuleException, UnsupportedFieldException {
        Location at = exception.location();
        if (tuple.size() != exception.fields().size()) {
            throw new RuleException(at, "exception " + exception.name() + " has "
                    + exception.fields().size() + " fields but a value tuple of " + tuple.size());
        }
        Condition[] parts = new Condition[tuple.size()];
        for (int i = 0; i < parts.length; i++) {
            Operator operator = Operator.ofWord(exception.comps().get(i));
            if (operator == null) {
                throw new RuleException(at, "exception " + exception.name()
                        + ": unknown comparison " + exception.comps().get(i));
            }
            List<Expr.Value> values = new ArrayList<>();
            Object value = tuple.get(i);
            if (value instanceof List<?> list) {
                list.forEach(v -> values.add(new Expr.Value(String.valueOf(v), false, at)));
            } else {
                values.add(new Expr.Value(String.valueOf(value), false, at));
            }
            Expr.Compare compare = new Expr.Compare(exception.fields().get(i), operator,
                    values, at);
            parts[i] = compare(compare).condition();
        }
        return c -> {
            for (Condition part : parts) {
                if (!part.test(c)) {
                    return false;
                }
            }
            return true;
        };
    }
}
