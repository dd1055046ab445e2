package org.tarsier.probe.process.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;

class SettingsTest {

    @Test
    void defaultsHaveNoProblems() {
        Settings d = Settings.DEFAULTS;

        assertEquals(List.of(), Settings.problems(d.maxArgs(), d.maxArgsBytes(),
                d.pollTimeoutMillis(), d.execTracepoint()));
    }

    @Test
    void problemsNamePropertyValueAndExpectation() {
        List<String> problems = Settings.problems(0, 5000, 5, "sched");

        assertEquals(List.of(
                "argv.max=0 is invalid: expected an integer from 1 to 64",
                "argv.max.bytes=5000 is invalid: expected an integer from 16 to 4096",
                "poll.timeout.ms=5 is invalid: expected an integer from 10 to 10000",
                "exec.tracepoint=sched is invalid: expected category/name,"
                        + " e.g. sched/sched_process_exec"), problems);
    }

    @Test
    void tracepointSplitsIntoCategoryAndName() {
        assertEquals("sched", Settings.DEFAULTS.execTracepointCategory());
        assertEquals("sched_process_exec", Settings.DEFAULTS.execTracepointName());
    }
}
