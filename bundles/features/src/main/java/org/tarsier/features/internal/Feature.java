package org.tarsier.features.internal;

import java.util.List;
import java.util.stream.Stream;

/**
 * The features of a window, in vector order. The order and the names are part of the contract
 * with the detectors: append new features at the end and never rename one.
 *
 * <p>Every value is an amount per window, except {@link #PROCESSES_LIVE}, which is a level.
 */
enum Feature {
    SYSCALLS_TOTAL("syscalls_total"),
    SYSCALLS_FILE("syscalls_file"),
    SYSCALLS_NETWORK("syscalls_network"),
    SYSCALLS_PROCESS("syscalls_process"),
    SYSCALLS_MEMORY("syscalls_memory"),
    SYSCALLS_IPC("syscalls_ipc"),
    SYSCALLS_TIME("syscalls_time"),
    SYSCALLS_SIGNAL("syscalls_signal"),
    SYSCALLS_OTHER("syscalls_other"),
    SYSCALLS_DISTINCT("syscalls_distinct"),
    SYSCALL_READ("syscall_read"),
    SYSCALL_WRITE("syscall_write"),
    SYSCALL_OPENAT("syscall_openat"),
    SYSCALL_CLOSE("syscall_close"),
    SYSCALL_NEWFSTATAT("syscall_newfstatat"),
    SYSCALL_MMAP("syscall_mmap"),
    SYSCALL_FUTEX("syscall_futex"),
    SYSCALL_EPOLL_WAIT("syscall_epoll_wait"),
    SYSCALL_CLOCK_NANOSLEEP("syscall_clock_nanosleep"),
    SYSCALL_WAIT4("syscall_wait4"),
    SYSCALL_EXECVE("syscall_execve"),
    SYSCALL_CONNECT("syscall_connect"),
    SYSCALLS_SENSITIVE("syscalls_sensitive"),
    SYSCALLS_SENSITIVE_FAILED("syscalls_sensitive_failed"),
    EXECS("execs"),
    EXEC_BINARIES_DISTINCT("exec_binaries_distinct"),
    EXEC_BINARIES_NEW("exec_binaries_new"),
    FORKS("forks"),
    THREADS_CREATED("threads_created"),
    EXITS("exits"),
    EXITS_FAILED("exits_failed"),
    EXITS_SIGNALED("exits_signaled"),
    PROCESSES_LIVE("processes_live"),
    FILE_OPENS("file_opens"),
    FILE_WRITES("file_writes"),
    FILE_UNLINKS("file_unlinks"),
    FILE_RENAMES("file_renames"),
    FILE_CHMODS("file_chmods"),
    FILE_CHOWNS("file_chowns"),
    FILE_LINKS("file_links"),
    FILE_MKDIRS("file_mkdirs"),
    FILE_RMDIRS("file_rmdirs"),
    FILE_TRUNCATES("file_truncates"),
    FILE_MKNODS("file_mknods"),
    FILE_FAILED("file_failed"),
    FILE_PATHS_WRITTEN("file_paths_written_distinct"),
    FILE_WRITES_SYSTEM("file_writes_system"),
    TCP_CONNECTS("tcp_connects"),
    TCP_CONNECTS_FAILED("tcp_connects_failed"),
    TCP_REMOTE_ADDRESSES("tcp_remote_addresses_distinct"),
    TCP_REMOTE_PORTS("tcp_remote_ports_distinct"),
    TCP_ACCEPTS("tcp_accepts"),
    TCP_ACCEPT_PEERS("tcp_accept_peers_distinct"),
    TCP_LISTENS("tcp_listens"),
    TCP_CLOSES("tcp_closes"),
    TCP_BYTES_SENT("tcp_bytes_sent"),
    TCP_BYTES_RECEIVED("tcp_bytes_received"),
    CPU_USER_MS("cpu_user_ms"),
    CPU_SYSTEM_MS("cpu_system_ms");

    /** Feature names in vector order. */
    static final List<String> NAMES = Stream.of(values()).map(Feature::featureName).toList();

    private final String featureName;

    Feature(String featureName) {
        this.featureName = featureName;
    }

    /** Returns the snake_case name that windows carry. */
    String featureName() {
        return featureName;
    }
}
