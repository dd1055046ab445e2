package org.tarsier.detector.rules.internal.load;

import java.util.List;
import org.tarsier.detector.rules.internal.lang.Location;

/**
 * A rule exception: the event is not alerted when the fields match any of the value tuples.
 *
 * @param name exception name, unique within the rule
 * @param fields field names; a single field written as a scalar makes {@code scalarField} true
 * @param comps one operator per field, {@code =} by default ({@code in} for a scalar field)
 * @param values tuples of values, one value (or list of values for {@code in}) per field
 * @param scalarField whether {@code fields} was one scalar, so each value is one item of an
 *     {@code in} list
 * @param location where the exception is defined
 */
public record ExceptionDef(
        String name,
        List<String> fields,
        List<String> comps,
        List<List<Object>> values,
        boolean scalarField,
        Location location) {

    public ExceptionDef {
        fields = List.copyOf(fields);
        comps = List.copyOf(comps);
        values = List.copyOf(values);
    }

    /** Returns this exception with {@code more} value tuples added. */
    public ExceptionDef withValues(List<List<Object>> more) {
        List<List<Object>> all = new java.util.ArrayList<>(values);
        all.addAll(more);
        return new ExceptionDef(name, fields, comps, all, scalarField, location);
    }
}
