package org.tarsier.detector.rules.internal.lang;

import java.util.List;

/** Syntax tree of a condition, before macros and fields are resolved. */
public sealed interface Expr {

    /** All operands must hold. */
    record And(List<Expr> operands) implements Expr {
        public And {
            operands = List.copyOf(operands);
        }
    }

    /** At least one operand must hold. */
    record Or(List<Expr> operands) implements Expr {
        public Or {
            operands = List.copyOf(operands);
        }
    }

    /** Negation. */
    record Not(Expr operand) implements Expr {
    }

    /** A macro named by a bare identifier. */
    record MacroRef(String name, Location location) implements Expr {
    }

    /**
     * A field compared with values.
     *
     * @param field field name with its argument, for example {@code proc.aname[2]}
     * @param operator the comparison
     * @param values one value, a list for {@code in}, {@code intersects} and {@code pmatch},
     *     none for {@code exists}
     * @param location where the field name starts
     */
    record Compare(String field, Operator operator, List<Value> values, Location location)
            implements Expr {
        public Compare {
            values = List.copyOf(values);
        }
    }

    /**
     * A value as written.
     *
     * @param text the value without quotes
     * @param quoted whether it was quoted, so it cannot name a list
     * @param location where it starts
     */
    record Value(String text, boolean quoted, Location location) {
    }
}
