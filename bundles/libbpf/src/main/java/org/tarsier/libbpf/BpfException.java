package org.tarsier.libbpf;

import java.util.List;

import org.tarsier.libbpf.internal.Errno;

/**
 * A libbpf or kernel failure, with a message that names the object, the program or map, and the
 * errno, for example {@code failed to attach program handle_exec of process.bpf.o to tracepoint
 * sched/sched_process_exec: ENOENT}.
 */
public class BpfException extends Exception {

    private static final long serialVersionUID = 1L;

    private final int errno;
    private final List<String> libbpfWarnings;

    /** Creates an exception for a positive or negated {@code errno}. */
    public BpfException(String message, int errno) {
        this(message, errno, List.of());
    }

    /**
     * Creates an exception that carries the warnings libbpf printed during the failed call,
     * such as the verifier log.
     */
    public BpfException(String message, int errno, List<String> libbpfWarnings) {
        super(message);
        this.errno = Math.abs(errno);
        this.libbpfWarnings = List.copyOf(libbpfWarnings);
    }

    /** Returns the positive errno value, or 0 if the failure had none. */
    public int errno() {
        return errno;
    }

    /** Returns the symbolic errno name, for example {@code ENOENT}. */
    public String errnoName() {
        return Errno.name(errno);
    }

    /** Returns the warnings libbpf printed during the failed call, oldest first. */
    public List<String> libbpfWarnings() {
        return libbpfWarnings;
    }
}
