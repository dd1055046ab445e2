package org.tarsier.detector.rules.internal.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.tarsier.api.alert.Alert;
import org.tarsier.api.container.ContainerInfo;

class RateLimitTest {

    private static int fire(Rules rules, ContainerInfo container, int times) {
        int alerts = 0;
        for (int i = 0; i < times; i++) {
            alerts += rules.alerts(Events.exec(container, 7, 1, "/bin/sh", "sh")).size();
        }
        return alerts;
    }

    @Test
    void burstPassesThenSuppresses() throws Exception {
        Rules rules = Rules.condition("proc.name = sh");
        rules.engine.setRateLimit(1, 3);

        assertEquals(3, fire(rules, Events.CONTAINER, 10));
        assertEquals(7, rules.engine.suppressed());
        assertEquals(3, rules.engine.alerts());
    }

    @Test
    void bucketsAreSeparatePerContainer() throws Exception {
        Rules rules = Rules.condition("proc.name = sh");
        rules.engine.setRateLimit(1, 2);

        assertEquals(2, fire(rules, Events.CONTAINER, 5));
        assertEquals(2, fire(rules, Events.HOST, 5));
    }

    @Test
    void tokensRefillOverTimeAndReportSuppressed() throws Exception {
        Rules rules = Rules.condition("proc.name = sh");
        rules.engine.setRateLimit(2, 1);
        fire(rules, Events.CONTAINER, 4);
        rules.nanos += 500_000_000L;

        Alert alert = rules.alerts(Events.exec(Events.CONTAINER, 7, 1, "/bin/sh", "sh")).get(0);
        assertEquals(3L, alert.evidence().get("suppressed"));
    }
}
