package org.tarsier.features.internal;

import java.util.Map;

/**
 * The syscalls counted one by one: the ones that dominate the counts of common services on
 * x86_64 (reads and writes, opens, stat, memory mapping, futex waits, event loops, sleeps) and
 * the ones behind process and connection activity (wait4, execve, connect).
 */
final class TopSyscalls {

    private static final Map<String, Feature> FEATURES = Map.ofEntries(
            Map.entry("read", Feature.SYSCALL_READ),
            Map.entry("write", Feature.SYSCALL_WRITE),
            Map.entry("openat", Feature.SYSCALL_OPENAT),
            Map.entry("close", Feature.SYSCALL_CLOSE),
            Map.entry("newfstatat", Feature.SYSCALL_NEWFSTATAT),
            Map.entry("mmap", Feature.SYSCALL_MMAP),
            Map.entry("futex", Feature.SYSCALL_FUTEX),
            Map.entry("epoll_wait", Feature.SYSCALL_EPOLL_WAIT),
            Map.entry("clock_nanosleep", Feature.SYSCALL_CLOCK_NANOSLEEP),
            Map.entry("wait4", Feature.SYSCALL_WAIT4),
            Map.entry("execve", Feature.SYSCALL_EXECVE),
            Map.entry("connect", Feature.SYSCALL_CONNECT));

    private TopSyscalls() {
    }

    /** Returns the feature of a syscall counted one by one, or null for any other syscall. */
    static Feature feature(String syscall) {
        return FEATURES.get(syscall);
    }
}
