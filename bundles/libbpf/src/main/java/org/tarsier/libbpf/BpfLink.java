package org.tarsier.libbpf;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.locks.Lock;

import org.tarsier.libbpf.internal.Native;
import org.tarsier.libbpf.internal.NativeCall;

/**
 * An attachment of a program to an attach point. Closing it detaches the program; closing the
 * {@link BpfObject} closes it too.
 */
public final class BpfLink implements AutoCloseable {

    private final BpfProgram program;
    private final MemorySegment handle;
    private final String attachPoint;
    private volatile boolean open = true;

    BpfLink(BpfProgram program, MemorySegment handle, String attachPoint) {
        this.program = program;
        this.handle = handle;
        this.attachPoint = attachPoint;
    }

    /** Returns the attached program. */
    public BpfProgram program() {
        return program;
    }

    /** Returns the attach point in words, e.g. {@code tracepoint sched/sched_process_exec}. */
    public String attachPoint() {
        return attachPoint;
    }

    /** Returns whether the program is still attached through this link. */
    public boolean isOpen() {
        return open;
    }

    /** Detaches the program; does nothing if this link or its object is closed. */
    @Override
    public void close() {
        BpfObject object = program.object();
        if (!open || object.isClosed()) {
            return;
        }
        Lock write = object.acquireExclusive("close the link of program " + program.name());
        try {
            destroy();
            object.unregister(this);
        } finally {
            write.unlock();
        }
    }

    /** Destroys the native link; the caller holds the object's exclusive lock. */
    void destroy() {
        if (!open) {
            return;
        }
        open = false;
        NativeCall.invoke(() -> (int) Native.LINK_DESTROY.invokeExact(handle));
    }

    @Override
    public String toString() {
        return "BpfLink[" + program.name() + " -> " + attachPoint + (open ? "" : ", closed") + "]";
    }
}
