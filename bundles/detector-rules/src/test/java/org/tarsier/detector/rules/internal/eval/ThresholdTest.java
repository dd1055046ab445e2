package org.tarsier.detector.rules.internal.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ThresholdTest {

    private static final String RULE = """
            - rule: many
              output: o
              priority: WARNING
              condition: evt.type = connect
              threshold: {count: 3, window: 1s, by: [container.id]%s}
            """;

    private static int connect(Rules rules, long millis, String address, int port) {
        return rules.alerts(Events.connect(Events.CONTAINER, millis * 1_000_000L, 1, "app",
                address, port)).size();
    }

    @Test
    void countFiresOnceWhenReached() throws Exception {
        Rules rules = Rules.of(RULE.formatted(""));

        assertEquals(0, connect(rules, 0, "127.0.0.1", 80));
        assertEquals(0, connect(rules, 10, "127.0.0.1", 80));
        assertEquals(1, connect(rules, 20, "127.0.0.1", 80));
        assertEquals(0, connect(rules, 30, "127.0.0.1", 80));
    }

    @Test
    void eventsOutsideWindowDoNotCount() throws Exception {
        Rules rules = Rules.of(RULE.formatted(""));

        assertEquals(0, connect(rules, 0, "127.0.0.1", 80));
        assertEquals(0, connect(rules, 600, "127.0.0.1", 80));
        assertEquals(0, connect(rules, 1200, "127.0.0.1", 80));
        assertEquals(0, connect(rules, 1900, "127.0.0.1", 80));
    }

    @Test
    void firesAgainAfterFallingBelow() throws Exception {
        Rules rules = Rules.of(RULE.formatted(""));
        for (int i = 0; i < 3; i++) {
            connect(rules, i, "127.0.0.1", 80);
        }

        assertEquals(0, connect(rules, 5000, "127.0.0.1", 80));
        assertEquals(0, connect(rules, 5001, "127.0.0.1", 80));
        assertEquals(1, connect(rules, 5002, "127.0.0.1", 80));
    }

    @Test
    void distinctCountsValuesNotEvents() throws Exception {
        Rules rules = Rules.of(RULE.formatted(", distinct: fd.rport"));

        assertEquals(0, connect(rules, 0, "127.0.0.1", 80));
        assertEquals(0, connect(rules, 1, "127.0.0.1", 80));
        assertEquals(0, connect(rules, 2, "127.0.0.1", 81));
        assertEquals(1, connect(rules, 3, "127.0.0.1", 82));
    }

    @Test
    void thresholdEvidenceIsReported() throws Exception {
        Rules rules = Rules.of(RULE.formatted(", distinct: fd.rport"));
        connect(rules, 0, "127.0.0.1", 1);
        connect(rules, 1, "127.0.0.1", 2);

        var alert = rules.alerts(Events.connect(Events.CONTAINER, 2_000_000L, 1, "app",
                "127.0.0.1", 3)).get(0);
        assertEquals(3L, alert.evidence().get("threshold.count"));
        assertEquals("fd.rport", alert.evidence().get("threshold.distinct"));
    }
}
