package org.tarsier.detector.rules.internal.eval;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The benchmark's set-up and event mixes, so that the benchmark does not rot between runs. */
class RuleEvaluationBenchmarkTest {

    private static int evaluateTwoCycles(String ruleset, String mix) throws Exception {
        RuleEvaluationBenchmark benchmark = new RuleEvaluationBenchmark();
        benchmark.ruleset = ruleset;
        benchmark.mix = mix;
        benchmark.setUp();
        int alerts = 0;
        for (int i = 0; i < 2 * RuleEvaluationBenchmark.CYCLE; i++) {
            alerts += benchmark.evaluate();
        }
        return alerts;
    }

    /** Fails with the exception that set-up or evaluation throws. */
    @ParameterizedTest
    @CsvSource({"default, process", "default, file", "default, mixed", "falco, process",
        "falco, file", "falco, mixed"})
    void mixEvaluatesWithoutError(String ruleset, String mix) throws Exception {
        evaluateTwoCycles(ruleset, mix);
    }

    @Test
    void mixedEventsRaiseAlerts() throws Exception {
        assertTrue(evaluateTwoCycles("default", "mixed") > 0);
    }
}
