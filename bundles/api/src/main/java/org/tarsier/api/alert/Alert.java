package org.tarsier.api.alert;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.tarsier.api.container.ContainerInfo;

/**
 * An alert raised by a detector about one container or the host.
 *
 * @param id unique id of the alert
 * @param time time of the event that caused the alert
 * @param detector name of the detector, the last token of its alert topic
 * @param rule rule or model name
 * @param priority priority on Falco's scale
 * @param message rendered, human-readable output
 * @param fields fields of the causing event by Falco-style name, e.g. {@code proc.cmdline}
 * @param tags tags such as MITRE ATT&amp;CK technique ids
 * @param evidence detector-specific figures such as score, baseline and window
 * @param container container of the causing task
 */
public record Alert(
        String id,
        Instant time,
        String detector,
        String rule,
        Priority priority,
        String message,
        Map<String, Object> fields,
        List<String> tags,
        Map<String, Object> evidence,
        ContainerInfo container) {

    /**
     * Creates an alert; {@code null} message, fields, tags and evidence become empty values.
     *
     * @throws NullPointerException if id, time, detector, rule, priority or container is null
     */
    public Alert {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(detector, "detector");
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(priority, "priority");
        Objects.requireNonNull(container, "container");
        message = Objects.requireNonNullElse(message, "");
        fields = fields == null ? Map.of() : Map.copyOf(fields);
        tags = tags == null ? List.of() : List.copyOf(tags);
        evidence = evidence == null ? Map.of() : Map.copyOf(evidence);
    }
}
