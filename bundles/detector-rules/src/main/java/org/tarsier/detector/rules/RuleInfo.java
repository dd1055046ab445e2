package org.tarsier.detector.rules;

import java.util.List;

/**
 * One loaded rule.
 *
 * @param name rule name
 * @param priority Falco priority name, for example {@code Warning}
 * @param enabled whether events are evaluated against it
 * @param source file the rule was defined in
 * @param tags rule tags
 * @param threshold whether the rule carries a Tarsier {@code threshold}
 */
public record RuleInfo(
        String name,
        String priority,
        boolean enabled,
        String source,
        List<String> tags,
        boolean threshold) {

    public RuleInfo {
        tags = List.copyOf(tags);
    }
}
