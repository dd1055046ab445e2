package org.tarsier.libbpf.probe;

import java.util.Objects;

import org.tarsier.libbpf.BpfException;
import org.tarsier.libbpf.BpfLink;
import org.tarsier.libbpf.BpfObject;
import org.tarsier.libbpf.BpfProgram;

/**
 * A program of a BPF object and where to attach it.
 *
 * @param program the program's C function name
 * @param kind how to attach it
 * @param target {@code category/name} for a tracepoint, the name for a raw tracepoint, empty for
 *     {@link Kind#SECTION}
 */
public record Attachment(String program, Kind kind, String target) {

    /** The ways a program can be attached. */
    public enum Kind {
        /** At the attach point that the program's ELF section names. */
        SECTION,
        /** To a tracefs tracepoint given as {@code category/name}. */
        TRACEPOINT,
        /** To a raw tracepoint given by name. */
        RAW_TRACEPOINT
    }

    public Attachment {
        Objects.requireNonNull(program, "program");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(target, "target");
        if (kind == Kind.TRACEPOINT && target.indexOf('/') <= 0) {
            throw new IllegalArgumentException("tracepoint of program " + program
                    + " must be category/name, not " + target);
        }
    }

    /** Attaches {@code program} where its section says, e.g. {@code tracepoint/sched/x}. */
    public static Attachment section(String program) {
        return new Attachment(program, Kind.SECTION, "");
    }

    /** Attaches {@code program} to the tracepoint {@code category/name}. */
    public static Attachment tracepoint(String program, String category, String name) {
        return new Attachment(program, Kind.TRACEPOINT, category + "/" + name);
    }

    /** Attaches {@code program} to the raw tracepoint {@code name}. */
    public static Attachment rawTracepoint(String program, String name) {
        return new Attachment(program, Kind.RAW_TRACEPOINT, name);
    }

    /**
     * Attaches the program of a loaded object.
     *
     * @throws BpfException naming the program, the object, the attach point and the errno
     * @throws IllegalArgumentException if the object has no such program
     */
    public BpfLink attach(BpfObject object) throws BpfException {
        BpfProgram bpfProgram = object.program(program);
        return switch (kind) {
            case SECTION -> bpfProgram.attach();
            case TRACEPOINT -> {
                int slash = target.indexOf('/');
                yield bpfProgram.attachTracepoint(
                        target.substring(0, slash), target.substring(slash + 1));
            }
            case RAW_TRACEPOINT -> bpfProgram.attachRawTracepoint(target);
        };
    }
}
