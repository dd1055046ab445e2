package org.tarsier.api.event;

import java.time.Instant;

/**
 * Fields that every event carries, describing the task that caused it.
 *
 * @param timeNanos wall-clock time in nanoseconds since the Unix epoch, converted from the
 *     kernel's boot-time clock
 * @param cgroupId cgroup v2 id of the task
 * @param pid process id (thread group id) in the initial PID namespace
 * @param tid thread id in the initial PID namespace
 * @param ppid parent process id in the initial PID namespace
 * @param uid real user id
 * @param gid real group id
 * @param comm task command name, at most 15 characters
 */
public record EventHeader(
        long timeNanos, long cgroupId, int pid, int tid, int ppid, int uid, int gid, String comm) {

    /** Returns the event time as an {@link Instant}. */
    public Instant time() {
        return Instant.ofEpochSecond(0, timeNanos);
    }
}
