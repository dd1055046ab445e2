package org.tarsier.detector.rules.internal.load;

import java.util.List;
import org.tarsier.api.alert.Priority;
import org.tarsier.detector.rules.internal.lang.Location;

/** A {@code rule} item after appends and overrides from later files were applied. */
public record RuleDef(
        String name,
        String desc,
        ConditionText condition,
        String output,
        Priority priority,
        List<String> tags,
        boolean enabled,
        List<ExceptionDef> exceptions,
        String source,
        ThresholdDef threshold,
        Location location) {

    public RuleDef {
        tags = List.copyOf(tags);
        exceptions = List.copyOf(exceptions);
    }
}
