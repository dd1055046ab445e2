package org.tarsier.api.event;

import org.tarsier.api.container.ContainerInfo;

/**
 * A new process or thread created by fork, vfork or clone.
 *
 * @param header the parent task
 * @param container the container of the parent task
 * @param childPid process id of the child
 * @param childTid thread id of the child; equal to {@code childPid} for a new process
 */
public record ForkEvent(EventHeader header, ContainerInfo container, int childPid, int childTid)
        implements Event {

    public static final String KIND = "FORK";

    @Override
    public String probe() {
        return "process";
    }

    @Override
    public String kind() {
        return KIND;
    }

    /** Returns whether the child is a thread of the parent's process rather than a new process. */
    public boolean isThread() {
        return childPid != childTid;
    }
}
