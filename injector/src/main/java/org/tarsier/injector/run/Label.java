package org.tarsier.injector.run;

import java.time.Instant;
import java.util.List;

/**
 * One injected anomaly, or one period of normal workload, as written to the labels file.
 *
 * @param run id of the injector run
 * @param scenario scenario id
 * @param repetition 1-based repetition of the scenario
 * @param kind kind id, e.g. {@code fork_burst}; {@code normal} for the normal workload
 * @param anomaly whether this period is an anomaly; false for the normal workload
 * @param containerId full id of the container it ran in
 * @param containerName name of that container
 * @param image image of that container
 * @param start when the container or exec was started
 * @param end when the injector stopped it
 * @param intensity kind-specific strength
 * @param intensityUnit unit of the intensity
 * @param expected expected detections: {@code rules:RULE}, {@code stats} or {@code iforest}
 * @param interrupted whether the run was stopped before the planned end
 */
public record Label(String run, String scenario, int repetition, String kind, boolean anomaly,
        String containerId, String containerName, String image, Instant start, Instant end,
        int intensity, String intensityUnit, List<String> expected, boolean interrupted) {

    public Label {
        expected = List.copyOf(expected);
    }
}
