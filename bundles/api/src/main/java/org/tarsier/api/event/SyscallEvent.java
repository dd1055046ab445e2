package org.tarsier.api.event;

import java.util.List;
import java.util.Map;

import org.tarsier.api.container.ContainerInfo;

/**
 * One call of a syscall that the syscall probe reports individually (ptrace, mount, setns,
 * init_module, bpf …), whether the kernel accepted it or not.
 *
 * @param header the calling task
 * @param container the container of the task
 * @param number syscall number on the running architecture
 * @param name syscall name, for example {@code ptrace}
 * @param args the six raw argument registers
 * @param arguments decoded arguments by name, for example {@code request=PTRACE_ATTACH} or
 *     {@code target=/mnt}; strings read from user memory are cut at the probe's bound
 * @param result return value; negative values are {@code -errno}
 * @param error errno name such as {@code EPERM} when {@code result} is negative, else empty
 */
public record SyscallEvent(
        EventHeader header,
        ContainerInfo container,
        int number,
        String name,
        List<Long> args,
        Map<String, String> arguments,
        long result,
        String error)
        implements Event {

    /** Event kind, the last token of the topic of syscall events. */
    public static final String KIND = "SYSCALL";

    /** Creates the event with unmodifiable copies of its collections. */
    public SyscallEvent {
        args = List.copyOf(args);
        arguments = Map.copyOf(arguments);
    }

    @Override
    public String probe() {
        return "syscall";
    }

    @Override
    public String kind() {
        return KIND;
    }

    /** Returns whether the kernel rejected the call. */
    public boolean failed() {
        return result < 0;
    }
}
