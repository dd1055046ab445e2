package org.tarsier.detector.rules.internal.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tarsier.api.alert.Priority;
import org.tarsier.detector.rules.internal.lang.ConditionParser;
import org.tarsier.detector.rules.internal.lang.Location;
import org.tarsier.detector.rules.internal.lang.RuleException;

class RulesLoaderTest {

    private static final String BASE = """
            - list: shells
              items: [sh, bash]
            - macro: spawned
              condition: evt.type = execve
            - rule: Shell
              desc: a shell
              condition: spawned and proc.name in (shells)
              output: shell %proc.name
              priority: WARNING
              tags: [shell, T1059]
            """;

    private static LoadedRules load(String... texts) throws RuleException {
        List<RuleSource> sources = new java.util.ArrayList<>();
        for (int i = 0; i < texts.length; i++) {
            sources.add(new RuleSource("f" + i + ".yaml", texts[i]));
        }
        return RulesLoader.load(sources);
    }

    @Test
    void ruleFieldsAreRead() throws Exception {
        RuleDef rule = load(BASE).rules().get(0);

        assertEquals("Shell", rule.name());
        assertEquals(Priority.WARNING, rule.priority());
        assertEquals(List.of("shell", "T1059"), rule.tags());
        assertTrue(rule.enabled());
        assertEquals(new Location("f0.yaml", 5, 9), rule.location());
    }

    @Test
    void legacyAppendExtendsListMacroAndRule() throws Exception {
        LoadedRules loaded = load(BASE, """
                - list: shells
                  items: [zsh]
                  append: true
                - macro: spawned
                  condition: or evt.type = execveat
                  append: true
                - rule: Shell
                  condition: and not proc.pname = sshd
                  append: true
                """);

        assertEquals(List.of("sh", "bash", "zsh"), loaded.lists().get("shells"));
        assertEquals("evt.type = execve or evt.type = execveat",
                loaded.macros().get("spawned").condition().text());
        assertEquals("spawned and proc.name in (shells) and not proc.pname = sshd",
                loaded.rules().get(0).condition().text());
    }

    @Test
    void overrideReplacesAndAppends() throws Exception {
        LoadedRules loaded = load(BASE, """
                - list: shells
                  items: [ash]
                  override:
                    items: replace
                - macro: spawned
                  condition: evt.type = execveat
                  override:
                    condition: replace
                - rule: Shell
                  priority: ERROR
                  tags: [extra]
                  enabled: false
                  override:
                    priority: replace
                    tags: append
                    enabled: replace
                """);
        RuleDef rule = loaded.rules().get(0);

        assertEquals(List.of("ash"), loaded.lists().get("shells"));
        assertEquals("evt.type = execveat", loaded.macros().get("spawned").condition().text());
        assertEquals(Priority.ERROR, rule.priority());
        assertEquals(List.of("shell", "T1059", "extra"), rule.tags());
        assertFalse(rule.enabled());
    }

    @Test
    void enabledOnlyItemTogglesExistingRule() throws Exception {
        LoadedRules loaded = load(BASE, "- rule: Shell\n  enabled: false\n");

        assertFalse(loaded.rules().get(0).enabled());
    }

    @Test
    void appendToUnknownNameIsRejected() {
        RuleException error = assertThrows(RuleException.class,
                () -> load("- list: nope\n  items: [a]\n  append: true\n"));

        assertEquals(new Location("f0.yaml", 1, 9), error.location());
    }

    @Test
    void unknownTopLevelKeysBecomeNotices() throws Exception {
        LoadedRules loaded = load("""
                - required_engine_version: 0.57.0
                - required_plugin_versions:
                    - name: container
                      version: 0.4.0
                """ + BASE);

        assertEquals(2, loaded.notices().size());
        assertTrue(loaded.notices().get(0).startsWith("f0.yaml:1:3: ignored item with key"
                + " required_engine_version"), loaded.notices().get(0));
    }

    @Test
    void listsExpandReferencesToEarlierLists() throws Exception {
        LoadedRules loaded = load(BASE + "- list: all\n  items: [shells, '\"zsh\"']\n");

        assertEquals(List.of("sh", "bash", "zsh"), loaded.lists().get("all"));
    }

    @Test
    void invalidYamlNamesLineAndColumn() {
        RuleException error = assertThrows(RuleException.class,
                () -> load("- rule: x\n  condition: [a\n  output: b\n"));

        assertEquals("f0.yaml", error.location().file());
        assertTrue(error.location().line() >= 2, error.getMessage());
        assertTrue(error.getMessage().contains("invalid YAML"), error.getMessage());
    }

    @Test
    void missingOutputNamesRule() {
        RuleException error = assertThrows(RuleException.class,
                () -> load("- rule: x\n  condition: a\n  priority: INFO\n"));

        assertEquals(new Location("f0.yaml", 1, 9), error.location());
        assertTrue(error.getMessage().contains("rule x has no output"), error.getMessage());
    }

    @Test
    void invalidPriorityNamesValue() {
        RuleException error = assertThrows(RuleException.class,
                () -> load("- rule: x\n  condition: a\n  output: o\n  priority: loud\n"));

        assertEquals(new Location("f0.yaml", 4, 13), error.location());
    }

    @Test
    void conditionOffsetsMapIntoFoldedScalar() throws Exception {
        LoadedRules loaded = load("""
                - rule: x
                  condition: >
                    proc.name = sh
                    and fd.name =
                  output: o
                  priority: INFO
                """);
        RuleDef rule = loaded.rules().get(0);

        RuleException error = assertThrows(RuleException.class, () -> ConditionParser.parse(
                rule.condition().text(), rule.condition().locator()));
        assertEquals(4, error.location().line(), error.getMessage());
        assertEquals(18, error.location().column(), error.getMessage());
    }

    @Test
    void appendedConditionMapsToItsOwnFile() throws Exception {
        LoadedRules loaded = load(BASE, "- rule: Shell\n  condition: and proc.pid >\n"
                + "  append: true\n");
        RuleDef rule = loaded.rules().get(0);

        RuleException error = assertThrows(RuleException.class, () -> ConditionParser.parse(
                rule.condition().text(), rule.condition().locator()));
        assertEquals("f1.yaml", error.location().file(), error.getMessage());
        assertEquals(2, error.location().line(), error.getMessage());
    }

    @Test
    void thresholdIsRead() throws Exception {
        LoadedRules loaded = load("""
                - rule: scan
                  condition: evt.type = connect
                  output: o
                  priority: WARNING
                  threshold: {count: 20, window: 10s, by: [container.id], distinct: fd.rport}
                """);
        ThresholdDef threshold = loaded.rules().get(0).threshold();

        assertEquals(new ThresholdDef(20, Duration.ofSeconds(10), List.of("container.id"),
                "fd.rport"), threshold);
    }

    @Test
    void thresholdWindowIsValidated() {
        RuleException error = assertThrows(RuleException.class, () -> load("""
                - rule: scan
                  condition: evt.type = connect
                  output: o
                  priority: WARNING
                  threshold: {count: 20, window: soon}
                """));

        assertEquals(5, error.location().line());
        assertTrue(error.getMessage().contains("positive duration"), error.getMessage());
    }

    @Test
    void exceptionsAreReadAndAppended() throws Exception {
        LoadedRules loaded = load(BASE + """
                  exceptions:
                    - name: known
                      fields: [proc.name, proc.pname]
                      comps: [=, in]
                      values:
                        - [sh, [cron, sshd]]
                """, """
                - rule: Shell
                  exceptions:
                    - name: known
                      values:
                        - [bash, [init]]
                  append: true
                """);
        ExceptionDef exception = loaded.rules().get(0).exceptions().get(0);

        assertEquals(List.of("=", "in"), exception.comps());
        assertEquals(2, exception.values().size());
    }
}
