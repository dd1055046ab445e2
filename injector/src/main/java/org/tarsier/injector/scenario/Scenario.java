package org.tarsier.injector.scenario;

import java.time.Duration;

/**
 * One entry of a scenario file, after validation and before the caps are applied.
 *
 * @param id name of the scenario, unique in its file
 * @param kind what is injected
 * @param target where it runs
 * @param intensity kind-specific strength, in {@link Kind#unit()}
 * @param duration how long each repetition runs
 * @param start offset of the first repetition from the start of the run
 * @param repetitions number of runs of the scenario, one after the other
 * @param interval time between the starts of two repetitions
 * @param limits limits of the containers it creates
 */
public record Scenario(String id, Kind kind, Target target, int intensity, Duration duration,
        Duration start, int repetitions, Duration interval, Limits limits) {
}
