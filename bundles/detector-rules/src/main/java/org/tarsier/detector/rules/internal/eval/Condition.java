package org.tarsier.detector.rules.internal.eval;

/** A node of a compiled condition tree. */
@FunctionalInterface
interface Condition {

    /** Returns whether the event in {@code context} satisfies this node. */
    boolean test(EvalContext context);
}
