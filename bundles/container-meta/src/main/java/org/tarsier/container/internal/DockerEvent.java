package org.tarsier.container.internal;

import java.util.Map;

/**
 * One container event from Docker's {@code /events} stream.
 *
 * @param action event action such as {@code create}, {@code start}, {@code die},
 *     {@code destroy} or {@code rename}
 * @param id full id of the container
 * @param attributes actor attributes: the container labels plus {@code name} and {@code image},
 *     and action-specific keys such as {@code exitCode}
 */
record DockerEvent(String action, String id, Map<String, String> attributes) {

    DockerEvent {
        attributes = Map.copyOf(attributes);
    }
}
