package org.tarsier.detector.rules.internal.eval;

import org.tarsier.detector.rules.internal.lang.Location;
import org.tarsier.detector.rules.internal.lang.RuleException;

/** A field name resolved to its definition, with its argument if any. */
record FieldRef(String text, FieldDef def, String arg, FieldType type) {

    /** Reads the value from {@code context}; null when the field does not apply. */
    Object read(EvalContext context) {
        return def.getter().apply(context, arg);
    }

    /**
     * Resolves {@code text} such as {@code proc.aname[2]} or {@code evt.arg.flags}.
     *
     * @throws UnsupportedFieldException for a Falco field that Tarsier's events do not carry
     * @throws RuleException for a name that is no field or a bad argument
     */
    static FieldRef resolve(String text, Location location)
            throws UnsupportedFieldException, RuleException {
        String name = text;
        String arg = null;
        int bracket = text.indexOf('[');
        if (bracket > 0 && text.endsWith("]")) {
            name = text.substring(0, bracket);
            arg = text.substring(bracket + 1, text.length() - 1);
        } else if (text.startsWith("evt.arg.")) {
            name = "evt.arg";
            arg = text.substring("evt.arg.".length());
        }
        FieldDef def = Fields.get(name);
        if (def == null) {
            if (Fields.isUnsupportedFalcoField(name)) {
                throw new UnsupportedFieldException(name, location);
            }
            throw new RuleException(location, "unknown field " + text);
        }
        if (arg == null) {
            return new FieldRef(text, def, null, def.type());
        }
        if (def.argType() == null) {
            throw new RuleException(location, "field " + name + " takes no argument");
        }
        if (!Fields.validArgument(def, arg)) {
            throw new RuleException(location, "invalid argument '" + arg + "' of field " + name);
        }
        return new FieldRef(text, def, arg, def.argType());
    }
}
