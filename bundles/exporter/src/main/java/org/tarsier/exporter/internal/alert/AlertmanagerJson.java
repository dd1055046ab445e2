package org.tarsier.exporter.internal.alert;

import java.time.Duration;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.tarsier.api.alert.Alert;
import org.tarsier.api.alert.Priority;
import org.tarsier.api.container.ContainerInfo;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;

/**
 * Renders alerts as the body of Alertmanager's {@code POST /api/v2/alerts}: an array of objects
 * with {@code labels}, {@code annotations}, {@code startsAt} and {@code endsAt}.
 *
 * <p>Labels identify the alert, so Alertmanager merges alerts with equal labels: {@code alertname}
 * (the rule or model), {@code detector}, {@code priority} (Falco's name), {@code severity}
 * ({@code critical}, {@code warning} or {@code info}), {@code hostname}, {@code source}
 * ({@code tarsier}) and, when known, {@code container_id} (12 characters),
 * {@code container_name}, {@code image}, {@code k8s_pod_name} and {@code k8s_ns_name}. Empty
 * values are left out, as Alertmanager treats an empty label as a missing one. Annotations carry
 * {@code summary} (the message), {@code alert_id} and {@code tags}.
 *
 * <p>A Tarsier alert reports one event and is never resolved by a later one, so
 * {@code endsAt} is the alert's time plus {@code resolveAfter}: Alertmanager shows it as firing
 * until then and as resolved afterwards.
 */
final class AlertmanagerJson {

    private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().create();

    private AlertmanagerJson() {
    }

    /** Renders {@code batch} as one JSON array. */
    static String render(List<Alert> batch, String hostname, Duration resolveAfter) {
        JsonArray alerts = new JsonArray();
        for (Alert alert : batch) {
            alerts.add(renderOne(alert, hostname, resolveAfter));
        }
        return GSON.toJson(alerts);
    }

    /** Maps Falco's priorities to the severities that Alertmanager routes commonly match. */
    static String severity(Priority priority) {
        return switch (priority) {
            case EMERGENCY, ALERT, CRITICAL -> "critical";
            case ERROR, WARNING -> "warning";
            case NOTICE, INFORMATIONAL, DEBUG -> "info";
        };
    }

    private static JsonObject renderOne(Alert alert, String hostname, Duration resolveAfter) {
        JsonObject json = new JsonObject();
        json.add("labels", toObject(labels(alert, hostname)));
        json.add("annotations", toObject(annotations(alert)));
        json.addProperty("startsAt", DateTimeFormatter.ISO_INSTANT.format(alert.time()));
        json.addProperty("endsAt",
                DateTimeFormatter.ISO_INSTANT.format(alert.time().plus(resolveAfter)));
        return json;
    }

    private static Map<String, String> labels(Alert alert, String hostname) {
        Map<String, String> labels = new TreeMap<>();
        labels.put("alertname", alert.rule());
        labels.put("detector", alert.detector());
        labels.put("priority", alert.priority().falcoName());
        labels.put("severity", severity(alert.priority()));
        labels.put("hostname", hostname);
        labels.put("source", "tarsier");
        ContainerInfo container = alert.container();
        labels.put("container_id", container.shortId());
        labels.put("container_name", container.name());
        labels.put("image", container.image());
        labels.put("k8s_pod_name", container.podName());
        labels.put("k8s_ns_name", container.podNamespace());
        labels.values().removeIf(String::isEmpty);
        return labels;
    }

    private static Map<String, String> annotations(Alert alert) {
        Map<String, String> annotations = new TreeMap<>();
        annotations.put("summary", alert.message());
        annotations.put("alert_id", alert.id());
        annotations.put("tags", String.join(",", alert.tags()));
        annotations.values().removeIf(String::isEmpty);
        return annotations;
    }

    private static JsonObject toObject(Map<String, String> values) {
        JsonObject json = new JsonObject();
        values.forEach(json::addProperty);
        return json;
    }
}
