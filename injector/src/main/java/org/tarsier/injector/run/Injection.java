package org.tarsier.injector.run;

import java.time.Duration;

import org.tarsier.injector.scenario.Scenario;

/**
 * One repetition of a clamped scenario, at its offset from the start of the run.
 *
 * @param scenario the clamped scenario
 * @param repetition 1-based repetition number
 * @param offset start offset from the start of the run
 */
public record Injection(Scenario scenario, int repetition, Duration offset) {

    /** Returns the end offset of this repetition. */
    public Duration endOffset() {
        return offset.plus(scenario.duration());
    }
}
