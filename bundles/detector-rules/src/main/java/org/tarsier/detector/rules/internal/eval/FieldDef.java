package org.tarsier.detector.rules.internal.eval;

import java.util.function.BiFunction;

/**
 * A field the condition language can read.
 *
 * @param name field name without argument, for example {@code proc.aname}
 * @param type value type; {@code argType} replaces it when an argument is given
 * @param argType value type with an argument, null when the field takes none
 * @param getter reads the value from a context and the argument (null without one); returns
 *     null when the field does not apply to the event
 */
record FieldDef(String name, FieldType type, FieldType argType,
        BiFunction<EvalContext, String, Object> getter) {
}
