package org.tarsier.api.event;

import org.tarsier.api.container.ContainerInfo;

/**
 * The exit of a whole process (its last thread).
 *
 * @param header the exiting task
 * @param container the container of the task
 * @param exitCode exit status passed to exit, 0 to 255; 0 when killed by a signal
 * @param signal number of the signal that killed the process, 0 for a normal exit
 * @param durationNanos process lifetime in nanoseconds, 0 if unknown
 */
public record ExitEvent(
        EventHeader header, ContainerInfo container, int exitCode, int signal, long durationNanos)
        implements Event {

    public static final String KIND = "EXIT";

    @Override
    public String probe() {
        return "process";
    }

    @Override
    public String kind() {
        return KIND;
    }
}
