package org.tarsier.detector.rules.internal.eval;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.tarsier.api.event.Event;
import org.tarsier.detector.rules.RuleInfo;
import org.tarsier.detector.rules.internal.lang.ConditionParser;
import org.tarsier.detector.rules.internal.lang.Expr;
import org.tarsier.detector.rules.internal.lang.RuleException;
import org.tarsier.detector.rules.internal.load.LoadedRules;
import org.tarsier.detector.rules.internal.load.RuleDef;
import org.tarsier.detector.rules.internal.load.ThresholdDef;

/**
 * Compiled rules indexed by {@code evt.type}, so an event is tested only against the rules that
 * can match its type. Immutable but for the rules' enabled flags.
 */
public final class RuleSet {

    private final List<CompiledRule> rules;
    private final List<String> skipped;
    private final List<String> notices;
    private final Map<String, List<CompiledRule>> byType = new HashMap<>();
    private final List<CompiledRule> anyType = new ArrayList<>();
    private final Map<String, List<CompiledRule>> plans = new ConcurrentHashMap<>();

    private RuleSet(List<CompiledRule> rules, List<String> skipped, List<String> notices) {
        this.rules = List.copyOf(rules);
        this.skipped = List.copyOf(skipped);
        this.notices = List.copyOf(notices);
        for (CompiledRule rule : rules) {
            if (rule.types() == null) {
                anyType.add(rule);
                continue;
            }
            for (String type : rule.types()) {
                byType.computeIfAbsent(type, t -> new ArrayList<>()).add(rule);
            }
        }
    }

    /**
     * Compiles every rule of {@code loaded}. A rule with a Falco field Tarsier lacks, or from
     * another source than syscalls, is skipped and named in {@link #skipped()}.
     *
     * @throws RuleException for a syntax error, an unknown field or macro, or a bad value
     */
    public static RuleSet compile(LoadedRules loaded) throws RuleException {
        Compiler compiler = new Compiler(loaded);
        List<CompiledRule> rules = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        List<String> notices = new ArrayList<>(loaded.notices());
        for (RuleDef def : loaded.rules()) {
            if (!def.source().equals("syscall")) {
                skipped.add(def.name() + ": source " + def.source() + " is not supported");
                continue;
            }
            try {
                CompiledRule rule = compileRule(compiler, def);
                if (!rule.output().unsupported().isEmpty()) {
                    notices.add(def.location() + ": rule " + def.name() + ": output fields "
                            + rule.output().unsupported() + " print <NA>");
                }
                rules.add(rule);
            } catch (UnsupportedFieldException e) {
                skipped.add(def.name() + ": unsupported field " + e.field());
            }
        }
        return new RuleSet(rules, skipped, notices);
    }

    private static CompiledRule compileRule(Compiler compiler, RuleDef def)
            throws RuleException, UnsupportedFieldException {
        Expr expr = ConditionParser.parse(def.condition().text(), def.condition().locator());
        Compiler.Compiled compiled = compiler.compile(expr);
        Condition condition = compiled.condition();
        Condition exceptions = compiler.exceptions(def.exceptions());
        if (exceptions != null) {
            Condition base = condition;
            condition = c -> base.test(c) && !exceptions.test(c);
        }
        OutputTemplate output = OutputTemplate.compile(def.output(), def.location());
        return new CompiledRule(def, condition, compiled.types(), output, threshold(def));
    }

    private static ThresholdState threshold(RuleDef def)
            throws RuleException, UnsupportedFieldException {
        ThresholdDef threshold = def.threshold();
        if (threshold == null) {
            return null;
        }
        List<FieldRef> by = new ArrayList<>();
        for (String field : threshold.by()) {
            by.add(FieldRef.resolve(field, def.location()));
        }
        FieldRef distinct = threshold.distinct().isEmpty()
                ? null
                : FieldRef.resolve(threshold.distinct(), def.location());
        return new ThresholdState(threshold, by, distinct);
    }

    /** Returns the rules that can match {@code event}, in load order. */
    List<CompiledRule> plan(Event event) {
        return plans.computeIfAbsent(EventTypes.planKey(event), key -> {
            List<String> names = EventTypes.of(event);
            List<CompiledRule> plan = new ArrayList<>();
            for (CompiledRule rule : rules) {
                if (rule.types() == null || names.stream().anyMatch(rule.types()::contains)) {
                    plan.add(rule);
                }
            }
            return List.copyOf(plan);
        });
    }

    /** Returns the number of rules indexed under {@code type}, for tests and diagnostics. */
    int indexedUnder(String type) {
        return byType.getOrDefault(type, List.of()).size();
    }

    /** Returns the rules that match every event type. */
    List<String> anyTypeRules() {
        return anyType.stream().map(r -> r.def().name()).toList();
    }

    /** Returns the compiled rules in load order. */
    List<CompiledRule> rules() {
        return rules;
    }

    /** Returns a public description of each compiled rule. */
    public List<RuleInfo> infos() {
        return rules.stream().map(CompiledRule::info).toList();
    }

    /** Returns each skipped rule with the reason, e.g. {@code X: unsupported field proc.sname}. */
    public List<String> skipped() {
        return skipped;
    }

    /** Returns accepted oddities found while loading and compiling. */
    public List<String> notices() {
        return notices;
    }

    /** Enables or disables a rule; returns false when no compiled rule has that name. */
    public boolean setEnabled(String name, boolean enabled) {
        boolean found = false;
        for (CompiledRule rule : rules) {
            if (rule.def().name().equals(name)) {
                rule.setEnabled(enabled);
                found = true;
            }
        }
        return found;
    }
}
