package org.tarsier.detector.rules.internal.load;

import java.util.List;
import java.util.Map;

/**
 * Lists, macros and rules of a set of files after appends and overrides.
 *
 * @param lists list name to its items, references to other lists expanded
 * @param macros macro name to its definition
 * @param rules rules in definition order
 * @param notices accepted oddities worth a log line, such as unknown top-level keys
 */
public record LoadedRules(
        Map<String, List<String>> lists,
        Map<String, MacroDef> macros,
        List<RuleDef> rules,
        List<String> notices) {

    public LoadedRules {
        lists = Map.copyOf(lists);
        macros = Map.copyOf(macros);
        rules = List.copyOf(rules);
        notices = List.copyOf(notices);
    }
}
