package org.tarsier.detector.rules.internal.eval;

import java.util.ArrayList;
import java.util.List;
import org.tarsier.api.alert.Alert;
import org.tarsier.api.event.Event;
import org.tarsier.detector.rules.internal.lang.RuleException;
import org.tarsier.detector.rules.internal.load.RuleSource;
import org.tarsier.detector.rules.internal.load.RulesLoader;

/** An engine loaded from rules text, with no rate limit in the way of tests. */
final class Rules {

    final Engine engine;
    final RuleSet ruleSet;
    long nanos;

    private Rules(List<RuleSource> sources) throws RuleException {
        this.ruleSet = RuleSet.compile(RulesLoader.load(sources));
        this.engine = new Engine(UserNames.of(java.util.Map.of(0, "root", 1000, "alice"),
                java.util.Map.of(0, "root")), "testhost", 1024, () -> nanos);
        engine.setRateLimit(1_000_000, 1_000_000);
        engine.install(ruleSet);
    }

    static Rules of(String... texts) throws RuleException {
        List<RuleSource> sources = new ArrayList<>();
        for (int i = 0; i < texts.length; i++) {
            sources.add(new RuleSource("test" + i + ".yaml", texts[i]));
        }
        return new Rules(sources);
    }

    static Rules of(List<RuleSource> sources) throws RuleException {
        return new Rules(sources);
    }

    /** Builds one rule named {@code r} with {@code condition} and output {@code output}. */
    static String rule(String condition, String output) {
        return "- rule: r\n  desc: d\n  condition: '" + condition.replace("'", "''")
                + "'\n  output: '" + output.replace("'", "''") + "'\n  priority: WARNING\n";
    }

    static Rules condition(String condition) throws RuleException {
        return of(rule(condition, "out"));
    }

    List<Alert> alerts(Event event) {
        return engine.process(event);
    }

    List<String> fired(Event event) {
        return alerts(event).stream().map(Alert::rule).toList();
    }

    boolean matches(Event event) {
        return !alerts(event).isEmpty();
    }
}
