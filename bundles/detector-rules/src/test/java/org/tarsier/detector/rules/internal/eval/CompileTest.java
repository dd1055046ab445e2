package org.tarsier.detector.rules.internal.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.tarsier.detector.rules.internal.lang.Location;
import org.tarsier.detector.rules.internal.lang.RuleException;

class CompileTest {

    private static final String RULE_PREFIX = "- rule: r\n  output: o\n  priority: INFO\n"
            + "  condition: ";

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', value = {
        "proc.nmae = sh                  | 4 | 14 | unknown field proc.nmae",
        "proc.name = sh and nomacro      | 4 | 33 | unknown macro nomacro",
        "proc.pid = abc                  | 4 | 25 | not a number",
        "proc.pid contains 1             | 4 | 14 | operator contains cannot compare",
        "proc.name < sh                  | 4 | 14 | operator < cannot compare",
        "evt.is_open_write = maybe       | 4 | 34 | true or false",
        "proc.name[1] = sh               | 4 | 14 | takes no argument",
        "proc.aname[x] = sh              | 4 | 14 | invalid argument",
        "proc.name regex '('             | 4 | 14 | invalid regex"})
    void invalidConditionNamesPosition(String condition, int line, int column, String message) {
        RuleException error = assertThrows(RuleException.class,
                () -> Rules.of(RULE_PREFIX + condition.strip() + "\n"));

        assertEquals(new Location("test0.yaml", line, column), error.location(),
                error.getMessage());
        assertTrue(error.getMessage().contains(message), error.getMessage());
    }

    @Test
    void errorInsideMacroPointsIntoMacro() {
        RuleException error = assertThrows(RuleException.class, () -> Rules.of(
                "- macro: m\n  condition: proc.name = sh and fd.nam = x\n"
                        + RULE_PREFIX + "m\n"));

        assertEquals(new Location("test0.yaml", 2, 33), error.location(), error.getMessage());
    }

    @Test
    void recursiveMacroIsRejected() {
        RuleException error = assertThrows(RuleException.class, () -> Rules.of(
                "- macro: m\n  condition: not m\n" + RULE_PREFIX + "m\n"));

        assertTrue(error.getMessage().contains("refers to itself"), error.getMessage());
    }

    @Test
    void unsupportedFalcoFieldSkipsRuleByName() throws Exception {
        Rules rules = Rules.of(RULE_PREFIX + "thread.cap_effective contains CAP_SYS_ADMIN\n"
                + "- rule: kept\n  output: o\n  priority: INFO\n  condition: proc.name = sh\n");

        assertEquals(List.of("r: unsupported field thread.cap_effective"), rules.ruleSet.skipped());
        assertEquals(1, rules.ruleSet.rules().size());
    }

    @Test
    void otherSourceIsSkipped() throws Exception {
        Rules rules = Rules.of(RULE_PREFIX + "ka.verb = create\n  source: k8s_audit\n");

        assertEquals(List.of("r: source k8s_audit is not supported"), rules.ruleSet.skipped());
    }

    @Test
    void rulesAreIndexedByEventType() throws Exception {
        Rules rules = Rules.of("""
                - macro: spawned
                  condition: evt.type in (execve, execveat)
                - rule: a
                  output: o
                  priority: INFO
                  condition: spawned and proc.name = sh
                - rule: b
                  output: o
                  priority: INFO
                  condition: (evt.type = open or evt.type = connect) and proc.name = sh
                - rule: c
                  output: o
                  priority: INFO
                  condition: not evt.type = open
                """);

        assertEquals(1, rules.ruleSet.indexedUnder("execve"));
        assertEquals(1, rules.ruleSet.indexedUnder("connect"));
        assertEquals(0, rules.ruleSet.indexedUnder("clone"));
        assertEquals(List.of("c"), rules.ruleSet.anyTypeRules());
        assertEquals(List.of("a", "c"), rules.ruleSet.plan(Events.exec(Events.HOST, 1, 0,
                "/bin/sh", "sh")).stream().map(r -> r.def().name()).toList());
    }

    @Test
    void exceptionsSuppressMatchingTuples() throws Exception {
        Rules rules = Rules.of("""
                - list: allowed_parents
                  items: [cron]
                - rule: r
                  output: o
                  priority: INFO
                  condition: proc.name = sh
                  exceptions:
                    - name: by_parent
                      fields: [proc.pname, proc.exepath]
                      comps: [in, startswith]
                      values:
                        - [allowed_parents, /bin/]
                    - name: by_name
                      fields: proc.cmdline
                      values: ['sh -c true']
                """);
        rules.alerts(Events.exec(Events.HOST, 10, 1, "/usr/sbin/cron", "cron"));

        assertFalse(rules.matches(Events.exec(Events.HOST, 11, 10, "/bin/sh", "sh")));
        assertTrue(rules.matches(Events.exec(Events.HOST, 12, 10, "/usr/bin/sh", "sh")));
        assertFalse(rules.matches(Events.exec(Events.HOST, 13, 1, "/usr/bin/sh", "sh", "-c",
                "true")));
    }

    @Test
    void outputRendersFieldsAndMissingValues() throws Exception {
        Rules rules = Rules.of(Rules.rule("proc.name = sh",
                "shell %proc.name pid=%proc.pid file=%fd.name login=%user.loginuid"
                        + " %container.info"));

        String message = rules.alerts(Events.exec(Events.CONTAINER, 7, 1, "/bin/sh", "sh"))
                .get(0).message();
        assertEquals("shell sh pid=7 file=<NA> login=<NA> container_id=3f1c2a9b8d7e"
                + " container_name=web container_image=registry.example/team/nginx:1.27", message);
    }

    @Test
    void outputKeepsParenthesesAroundFields() throws Exception {
        Rules rules = Rules.of(Rules.rule("proc.name = sh", "shell (proc=%proc.name) %(proc.pid)"));

        String message = rules.alerts(Events.exec(Events.HOST, 7, 1, "/bin/sh", "sh")).get(0)
                .message();
        assertEquals("shell (proc=sh) 7", message);
    }

    @Test
    void disabledRuleDoesNotFire() throws Exception {
        Rules rules = Rules.condition("proc.name = sh");
        rules.ruleSet.setEnabled("r", false);

        assertFalse(rules.matches(Events.exec(Events.HOST, 7, 1, "/bin/sh", "sh")));
    }
}
