package org.tarsier.detector.rules.internal.lang;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConditionParserTest {

    private static Expr parse(String text) throws RuleException {
        return ConditionParser.parse(text, offset -> new Location("c", 1, offset + 1));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "proc.name = sh                          | Compare",
        "proc.name=sh                            | Compare",
        "evt.dir=<                               | Compare",
        "fd.num>=0                               | Compare",
        "fd.num=-1                               | Compare",
        "fd.name startswith /etc/                | Compare",
        "proc.aname[2] in (sshd, 'su')           | Compare",
        "evt.arg.flags contains O_TRUNC          | Compare",
        "fd.name exists                          | Compare",
        "spawned_process                         | MacroRef",
        "not container                           | Not",
        "a and b and c                           | And",
        "a or b and c                            | Or",
        "(a or b) and c                          | And",
        "((a))                                   | MacroRef",
        "proc.name in (a,b,c) and not c          | And"})
    void parsesToShape(String text, String shape) throws Exception {
        Expr expr = parse(text);

        assertEquals(shape, expr.getClass().getSimpleName());
    }

    @Test
    void andBindsTighterThanOr() throws Exception {
        Expr.Or or = assertInstanceOf(Expr.Or.class, parse("a or b and c"));

        assertInstanceOf(Expr.And.class, or.operands().get(1));
    }

    @Test
    void listValuesKeepQuotes() throws Exception {
        Expr.Compare compare = assertInstanceOf(Expr.Compare.class,
                parse("proc.name in (sh, 'ba sh', \"z\\\"sh\")"));

        assertEquals(List.of("sh", "ba sh", "z\"sh"),
                compare.values().stream().map(Expr.Value::text).toList());
        assertTrue(compare.values().get(1).quoted());
    }

    @Test
    void keywordPrefixIsAnIdentifier() throws Exception {
        Expr.And and = assertInstanceOf(Expr.And.class, parse("notify and order"));

        assertEquals(new Expr.MacroRef("notify", new Location("c", 1, 1)), and.operands().get(0));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', value = {
        "proc.name =                  | 12 | missing value",
        "(a or b                      | 8  | missing ')'",
        "proc.name in sh              | 14 | expected '('",
        "proc.name in (a, b           | 19 | missing ')'",
        "proc.name = 'sh              | 13 | unterminated string",
        "a and                        | 6  | unexpected end",
        "a b                          | 3  | unexpected 'b'",
        "proc.name                    | 1  | needs an operator",
        "''                           | 1  | empty condition"})
    void syntaxErrorNamesColumn(String text, int column, String message) {
        RuleException error = assertThrows(RuleException.class, () -> parse(text.strip()));

        assertEquals(column, error.location().column(), error.getMessage());
        assertTrue(error.getMessage().contains(message), error.getMessage());
    }
}
