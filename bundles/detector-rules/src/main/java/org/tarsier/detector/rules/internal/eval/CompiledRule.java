package org.tarsier.detector.rules.internal.eval;

import java.util.Set;
import org.tarsier.detector.rules.RuleInfo;
import org.tarsier.detector.rules.internal.load.RuleDef;

/** A rule ready for evaluation; its enabled flag can change while it is active. */
final class CompiledRule {

    private final RuleDef def;
    private final Condition condition;
    private final Set<String> types;
    private final OutputTemplate output;
    private final ThresholdState threshold;
    private volatile boolean enabled;

    CompiledRule(RuleDef def, Condition condition, Set<String> types, OutputTemplate output,
            ThresholdState threshold) {
        this.def = def;
        this.condition = condition;
        this.types = types == null ? null : Set.copyOf(types);
        this.output = output;
        this.threshold = threshold;
        this.enabled = def.enabled();
    }

    RuleDef def() {
        return def;
    }

    Condition condition() {
        return condition;
    }

    /** Returns the {@code evt.type} names the rule can match, or null for every type. */
    Set<String> types() {
        return types;
    }

    OutputTemplate output() {
        return output;
    }

    ThresholdState threshold() {
        return threshold;
    }

    boolean enabled() {
        return enabled;
    }

    void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    RuleInfo info() {
        return new RuleInfo(def.name(), def.priority().falcoName(), enabled,
                def.location().file(), def.tags(), threshold != null);
    }
}
