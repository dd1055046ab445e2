package org.tarsier.api.event;

import java.util.Map;

import org.tarsier.api.container.ContainerInfo;

/**
 * Syscall counts of one cgroup over one window, aggregated in the kernel.
 *
 * <p>The header's {@code timeNanos} is the end of the window and its {@code cgroupId} the
 * counted cgroup; the task fields (pid, tid, ppid, uid, gid, comm) are zero and empty because
 * the counts cover every task of the cgroup.
 *
 * @param header window end and cgroup
 * @param container the container of the cgroup
 * @param windowNanos length of the window in nanoseconds
 * @param counts number of syscalls entered in the window, by syscall name for the running
 *     architecture (an unknown number is named {@code syscall_<nr>})
 * @param total sum of all counts
 */
public record SyscallCountEvent(
        EventHeader header,
        ContainerInfo container,
        long windowNanos,
        Map<String, Long> counts,
        long total)
        implements Event {

    /** Event kind, the last token of the topic of syscall count events. */
    public static final String KIND = "COUNTS";

    /** Creates the event with unmodifiable copies of its collections. */
    public SyscallCountEvent {
        counts = Map.copyOf(counts);
    }

    @Override
    public String probe() {
        return "syscall";
    }

    @Override
    public String kind() {
        return KIND;
    }
}
