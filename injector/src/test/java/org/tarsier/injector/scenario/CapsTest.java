package org.tarsier.injector.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class CapsTest {

    private static Scenario scenario(int intensity, Duration duration, int repetitions,
            Limits limits) {
        return new Scenario("big", Kind.CPU_BURN, Target.newContainer("img"), intensity,
                duration, Duration.ZERO, repetitions, duration, limits);
    }

    @Test
    void valuesAboveTheCapsAreClampedWithWarnings() {
        Caps.Clamped clamped = Caps.HARD.clamp(scenario(100, Duration.ofHours(3), 500,
                new Limits(16, 64_000, 100_000)));
        Scenario s = clamped.scenario();
        assertEquals(Kind.CPU_BURN.maxIntensity(), s.intensity());
        assertEquals(Caps.HARD.maxDuration(), s.duration());
        assertEquals(Caps.HARD.maxRepetitions(), s.repetitions());
        assertEquals(Caps.HARD.maxLimits(), s.limits());
        assertEquals(6, clamped.warnings().size(), clamped.warnings().toString());
        assertTrue(clamped.warnings().get(0).startsWith("scenario big: intensity"),
                clamped.warnings().get(0));
    }

    @Test
    void valuesWithinTheCapsAreKept() {
        Scenario requested = scenario(2, Duration.ofSeconds(30), 2, new Limits(0.5, 64, 32));
        Caps.Clamped clamped = Caps.HARD.clamp(requested);
        assertEquals(requested, clamped.scenario());
        assertTrue(clamped.warnings().isEmpty(), clamped.warnings().toString());
    }

    @Test
    void shortIntervalIsRaisedWithWarning() {
        Scenario requested = new Scenario("tight", Kind.CPU_BURN, Target.newContainer("img"), 1,
                Duration.ofSeconds(20), Duration.ZERO, 3, Duration.ofSeconds(5),
                new Limits(0.5, 64, 32));
        Caps.Clamped clamped = Caps.HARD.clamp(requested);
        assertEquals(Duration.ofSeconds(20), clamped.scenario().interval());
        assertEquals(1, clamped.warnings().size(), clamped.warnings().toString());
    }

    @Test
    void lowerToNeverRaisesACap() {
        Caps lowered = Caps.HARD.lowerTo(new Caps(100, Duration.ofSeconds(10),
                Duration.ofDays(1), 1, new Limits(0.1, 10_000, 16)));
        assertEquals(Caps.HARD.maxContainers(), lowered.maxContainers());
        assertEquals(Duration.ofSeconds(10), lowered.maxDuration());
        assertEquals(Caps.HARD.maxStart(), lowered.maxStart());
        assertEquals(1, lowered.maxRepetitions());
        assertEquals(new Limits(0.1, Caps.HARD.maxLimits().memoryMib(), 16),
                lowered.maxLimits());
    }
}
