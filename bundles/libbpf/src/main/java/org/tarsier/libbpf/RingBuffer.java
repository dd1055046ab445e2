package org.tarsier.libbpf;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.time.Duration;
import java.util.concurrent.locks.Lock;

import org.tarsier.libbpf.internal.Errno;
import org.tarsier.libbpf.internal.Native;
import org.tarsier.libbpf.internal.NativeCall;

/**
 * A consumer of one {@code BPF_MAP_TYPE_RINGBUF} map, created by {@link BpfObject#ringBuffer}.
 *
 * <p>One thread polls; {@link #poll} and {@link #consume} are serialized. The handler runs on the
 * polling thread. If it throws, the record still counts as consumed, the poll stops, and the
 * exception propagates out of {@link #poll} or {@link #consume}.
 */
public final class RingBuffer implements AutoCloseable {

    private static final MethodHandle ON_SAMPLE;
    private static final FunctionDescriptor SAMPLE_CALLBACK =
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG);
    private static final int HANDLER_FAILED = -1;

    static {
        try {
            ON_SAMPLE = MethodHandles.lookup().findVirtual(RingBuffer.class, "onSample",
                    MethodType.methodType(
                            int.class, MemorySegment.class, MemorySegment.class, long.class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final BpfMap map;
    private final RecordHandler handler;
    private final Arena arena;
    private final Object pollLock = new Object();
    private MemorySegment handle = MemorySegment.NULL;
    private Throwable handlerFailure;
    private volatile boolean open = true;

    private RingBuffer(BpfMap map, RecordHandler handler) {
        this.map = map;
        this.handler = handler;
        this.arena = Arena.ofShared();
    }

    /** Creates the consumer; the caller holds the object's shared lock. */
    static RingBuffer create(BpfMap map, RecordHandler handler) throws BpfException {
        RingBuffer ringBuffer = new RingBuffer(map, handler);
        MemorySegment callback = Native.upcall(
                ON_SAMPLE.bindTo(ringBuffer), SAMPLE_CALLBACK, ringBuffer.arena);
        int mapFd = map.fd();
        try (Arena call = Arena.ofConfined()) {
            MemorySegment state = Native.allocateCallState(call);
            MemorySegment handle = NativeCall.invoke(() -> (MemorySegment)
                    Native.RING_BUFFER_NEW.invokeExact(state, mapFd, callback,
                            MemorySegment.NULL, MemorySegment.NULL));
            if (handle.equals(MemorySegment.NULL)) {
                int errno = Native.errno(state);
                ringBuffer.arena.close();
                throw new BpfException("failed to create ring buffer on map " + map.name()
                        + " of " + map.object().name() + ": " + Errno.name(errno), errno);
            }
            ringBuffer.handle = handle;
        }
        return ringBuffer;
    }

    /** Returns the ring-buffer map this consumer reads. */
    public BpfMap map() {
        return map;
    }

    /** Returns whether this consumer is still open. */
    public boolean isOpen() {
        return open;
    }

    /**
     * Waits up to {@code timeout} for records and passes each available record to the handler.
     *
     * @return the number of records consumed; 0 on timeout or when a signal interrupted the wait
     * @throws BpfException if epoll or the ring buffer fails
     * @throws IllegalStateException if this consumer or its object is closed
     */
    public int poll(Duration timeout) throws BpfException {
        int millis = (int) Math.min(Integer.MAX_VALUE, Math.max(0, timeout.toMillis()));
        return drain("poll", millis);
    }

    /**
     * Passes each available record to the handler without waiting.
     *
     * @return the number of records consumed
     */
    public int consume() throws BpfException {
        return drain("consume", -1);
    }

    /** Frees the consumer; does nothing if it or its object is closed. */
    @Override
    public void close() {
        BpfObject object = map.object();
        if (!open || object.isClosed()) {
            return;
        }
        Lock write = object.acquireExclusive("close the ring buffer of map " + map.name());
        try {
            free();
            object.unregister(this);
        } finally {
            write.unlock();
        }
    }

    /** Frees the native consumer and its callback; the caller holds the exclusive lock. */
    void free() {
        if (!open) {
            return;
        }
        open = false;
        MemorySegment freed = handle;
        NativeCall.invoke(() -> {
            Native.RING_BUFFER_FREE.invokeExact(freed);
            return null;
        });
        arena.close();
    }

    private int drain(String action, int timeoutMillis) throws BpfException {
        Lock read = map.object().acquire();
        try {
            synchronized (pollLock) {
                if (!open) {
                    throw new IllegalStateException("ring buffer of map " + map.name() + " of "
                            + map.object().name() + " is closed");
                }
                MemorySegment current = handle;
                int result = timeoutMillis < 0
                        ? NativeCall.invoke(
                                () -> (int) Native.RING_BUFFER_CONSUME.invokeExact(current))
                        : NativeCall.invoke(() -> (int) Native.RING_BUFFER_POLL.invokeExact(
                                current, timeoutMillis));
                rethrowHandlerFailure();
                if (result == -Errno.EINTR) {
                    return 0;
                }
                if (result < 0) {
                    throw new BpfException("failed to " + action + " ring buffer " + map.name()
                            + " of " + map.object().name() + ": " + Errno.name(result), result);
                }
                return result;
            }
        } finally {
            read.unlock();
        }
    }

    private void rethrowHandlerFailure() {
        Throwable failure = handlerFailure;
        if (failure == null) {
            return;
        }
        handlerFailure = null;
        if (failure instanceof RuntimeException runtime) {
            throw runtime;
        }
        if (failure instanceof Error error) {
            throw error;
        }
        throw new IllegalStateException("ring-buffer handler failed", failure);
    }

    /** Called by libbpf on the polling thread for each record; must not throw into C. */
    private int onSample(MemorySegment context, MemorySegment data, long size) {
        // empty records only wake an idle consumer (tarsier_ringbuf.h)
        if (size == 0) {
            return 0;
        }
        try (Arena record = Arena.ofConfined()) {
            handler.onRecord(Native.sized(data, size, record));
            return 0;
        } catch (Throwable t) {
            handlerFailure = t;
            return HANDLER_FAILED;
        }
    }

    @Override
    public String toString() {
        return "RingBuffer[" + map.name() + " of " + map.object().name()
                + (open ? "" : ", closed") + "]";
    }
}
