package org.tarsier.exporter.internal.jsonl;

import org.tarsier.api.container.ContainerInfo;
import org.tarsier.api.event.Event;
import org.tarsier.api.event.EventHeader;

import com.google.gson.JsonObject;

/**
 * Renders an {@link Event} as a flat JSON object.
 *
 * <p>Keys: {@code time} (RFC 3339, UTC, nine fraction digits), {@code probe}, {@code type} (the
 * event kind), the header fields {@code cgroup_id}, {@code pid}, {@code tid}, {@code ppid},
 * {@code uid}, {@code gid} and {@code comm}, a {@code container} object with the fields of
 * {@link ContainerInfo} in snake_case, then every other record component of the event in
 * snake_case, e.g. {@code filename}, {@code argv} and {@code argv_truncated} for an exec. Event
 * kinds added to the API later are rendered the same way without a change here.
 */
final class EventJson {

    private EventJson() {
    }

    /** Renders {@code event} as a JSON object. */
    static JsonObject render(Event event) {
        EventHeader header = event.header();
        JsonObject json = new JsonObject();
        json.addProperty("time", JsonValues.formatTime(header.time()));
        json.addProperty("probe", event.probe());
        json.addProperty("type", event.kind());
        json.addProperty("cgroup_id", header.cgroupId());
        json.addProperty("pid", header.pid());
        json.addProperty("tid", header.tid());
        json.addProperty("ppid", header.ppid());
        json.addProperty("uid", header.uid());
        json.addProperty("gid", header.gid());
        json.addProperty("comm", header.comm());
        json.add("container", JsonValues.toJson(event.container()));
        if (event instanceof Record record) {
            JsonValues.addComponents(record, json, 0, "header", "container");
        }
        return json;
    }
}
