package org.tarsier.api.event;

import org.tarsier.api.container.ContainerInfo;

/** An observation from a probe, attributed to a task and its container. */
public interface Event {

    /** Returns the task fields common to all events. */
    EventHeader header();

    /** Returns the container the task ran in, or {@link ContainerInfo#HOST_INFO}. */
    ContainerInfo container();

    /** Returns the name of the probe that produced the event, for example {@code process}. */
    String probe();

    /** Returns the event kind, the last token of the topic, for example {@code EXEC}. */
    String kind();

    /** Returns the Event Admin topic this event is posted on. */
    default String topic() {
        return org.tarsier.api.Topics.eventTopic(probe(), kind());
    }
}
