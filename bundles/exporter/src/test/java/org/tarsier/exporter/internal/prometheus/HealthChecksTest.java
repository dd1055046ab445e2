package org.tarsier.exporter.internal.prometheus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.tarsier.api.probe.ProbeState;

class HealthChecksTest {

    private static final long TIMEOUT_NANOS = 30_000_000_000L;

    private final AtomicLong clock = new AtomicLong();
    private final HealthChecks health = new HealthChecks(null, clock::get, TIMEOUT_NANOS);

    @Test
    void readyWithLoadedProbeAndResolver() {
        TestProbe probe = new TestProbe("process");
        probe.setState(ProbeState.LOADED);
        health.addProbe(probe);
        health.setResolver(new EmptyResolver());

        HealthChecks.Report report = health.readiness();

        assertTrue(report.ok(), report.json());
        assertEquals("{\"status\":\"ok\",\"failing\":[]}\n", report.json());
    }

    @Test
    void unloadedProbeIsNamed() {
        health.addProbe(new TestProbe("tcp"));
        health.setResolver(new EmptyResolver());

        HealthChecks.Report report = health.readiness();

        assertFalse(report.ok());
        assertEquals(List.of("probe:tcp"), components(report));
        assertTrue(report.json().contains("\"state\":\"UNLOADED\""), report.json());
    }

    @Test
    void missingResolverIsNamed() {
        assertEquals(List.of("container-resolver"), components(health.readiness()));
    }

    @Test
    void stoppingIsNotReady() {
        health.setResolver(new EmptyResolver());

        health.markStopping();

        assertEquals(List.of("agent"), components(health.readiness()));
    }

    @Test
    void liveWhileHeartbeatIsRecent() {
        health.heartbeatPosted();
        clock.addAndGet(TIMEOUT_NANOS);

        assertTrue(health.liveness().ok());
    }

    @Test
    void stuckHeartbeatFailsLiveness() {
        health.heartbeatPosted();
        clock.addAndGet(TIMEOUT_NANOS / 2);
        health.heartbeatPosted();
        clock.addAndGet(TIMEOUT_NANOS / 2 + 1);

        HealthChecks.Report report = health.liveness();

        assertFalse(report.ok());
        assertEquals(List.of("event-admin"), components(report));
    }

    @Test
    void deliveredHeartbeatKeepsLiveness() {
        health.heartbeatPosted();
        clock.addAndGet(TIMEOUT_NANOS);
        health.heartbeatDelivered();
        clock.addAndGet(TIMEOUT_NANOS);

        assertTrue(health.liveness().ok());
    }

    private static List<String> components(HealthChecks.Report report) {
        return report.failures().stream().map(HealthChecks.Failure::component).toList();
    }
}
