package org.tarsier.libbpf.probe;

import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

import org.tarsier.libbpf.BpfException;
import org.tarsier.libbpf.BpfLink;
import org.tarsier.libbpf.BpfMap;
import org.tarsier.libbpf.BpfObject;
import org.tarsier.libbpf.RecordHandler;
import org.tarsier.libbpf.RingBuffer;

/**
 * One load of a probe's BPF object: the object with its links and ring buffer, served by the
 * poller thread that all sessions share ({@link #POLLER_THREAD}), which reads the ring buffer and
 * runs the periodic step. {@link #close} removes all of it from the kernel and the JVM.
 *
 * <p>{@link Builder#start} runs, in this order: open the object, set the {@code const volatile}
 * globals, run the {@link Builder#beforeLoad} steps, load, run the {@link Builder#afterLoad}
 * steps, attach the programs in the order given, create the ring-buffer consumer, and hand the
 * session to the poller. If any of it fails, nothing stays in the kernel.
 *
 * <p>The poller waits on the ring buffers of all sessions at once. It wakes when a ring's BPF
 * programs wake it, or when a session's poll timeout, idle wait or period has passed, and then
 * serves every session: the {@link Builder#beforePoll} action, the records in the ring buffer,
 * the periodic step when its period has passed, and the {@link #afterPolls} action. So sessions
 * that wait for the same timeout share one wakeup. If the object has the {@code tarsier_idle}
 * map of {@code tarsier_ringbuf.h}, a session whose ring stayed empty for a whole poll timeout
 * sets it and then waits up to its idle wait (250 ms by default), because the next record wakes
 * the poller at once. Failures of any of
 * them go to the {@link Builder#onFailure} consumer, and the session is served again after a
 * pause of 100 ms; the other sessions go on meanwhile. Record handlers and the periodic step run
 * on the poller thread and must not block for long: they delay every probe.
 *
 * <p>Typical use:
 * <pre>{@code
 * ProbeSession session = ProbeSession.builder("process.bpf.o", elf)
 *         .global("max_args", 16)
 *         .attach(Attachment.tracepoint("handle_exec", "sched", "sched_process_exec"))
 *         .attach(Attachment.section("handle_fork"))
 *         .ringBuffer("process_events", record -> sink.accept(decoder.decode(record)))
 *         .beforePoll(() -> decoder.setEpochOffsetNanos(BootClock.epochOffsetNanos()))
 *         .onFailure(this::pollFailed)
 *         .start();
 * }</pre>
 */
public final class ProbeSession implements AutoCloseable {

    /** Name of the poller thread; it runs while at least one session runs. */
    public static final String POLLER_THREAD = PollLoop.THREAD_NAME;
    /** Map of tarsier_ringbuf.h. While its entry 0 is 1, the next record wakes the poller. */
    static final String IDLE_MAP = "tarsier_idle";
    private static final byte[] IDLE_VALUE = ByteBuffer.allocate(Integer.BYTES)
            .order(ByteOrder.nativeOrder()).putInt(1).array();

    private final BpfObject object;
    private final Map<String, byte[]> globals;
    private final List<ObjectStep> beforeLoad;
    private final List<ObjectStep> afterLoad;
    private final List<Attachment> attachments;
    private final String ringBufferMap;
    private final RecordHandler recordHandler;
    private final Runnable beforePoll;
    private final ObjectStep periodicStep;
    private final Consumer<Exception> failureHandler;
    private RingBuffer ringBuffer;
    private BpfMap idleFlag;
    private volatile Runnable afterPolls = () -> { };
    private volatile int pollTimeoutMillis;
    private volatile long periodNanos;
    /** Maximum wait of an idle session, so that its before-poll action still runs. */
    private final long idleWaitNanos;
    private boolean stopped;
    /** Held by the poller thread while it serves this session. */
    final ReentrantLock serving = new ReentrantLock();
    /** Identifier in the poll loop's epoll set. */
    int pollId;
    /** Set when the session leaves the poll loop, which then serves it no more. */
    volatile boolean removed;
    // The fields below are read and written by the poller thread only, once the session runs.
    /** End of a pause after a failure, in {@link System#nanoTime} units. 0 when none. */
    long backoffEnd;
    private boolean idle;
    private boolean served;
    private long lastServed;
    private long lastRecord;
    private long lastPeriodicRun;

    private ProbeSession(BpfObject object, Builder builder) {
        this.object = object;
        this.globals = new LinkedHashMap<>(builder.globals);
        this.beforeLoad = List.copyOf(builder.beforeLoad);
        this.afterLoad = List.copyOf(builder.afterLoad);
        this.attachments = List.copyOf(builder.attachments);
        this.ringBufferMap = builder.ringBufferMap;
        this.recordHandler = builder.recordHandler;
        this.beforePoll = builder.beforePoll;
        this.periodicStep = builder.periodicStep;
        this.failureHandler = builder.failureHandler;
        this.pollTimeoutMillis = builder.pollTimeoutMillis;
        this.periodNanos = builder.period == null ? 0 : builder.period.toNanos();
        this.idleWaitNanos = TimeUnit.MILLISECONDS.toNanos(builder.idleWaitMillis);
    }

    /**
     * Starts describing a session.
     *
     * @param objectName name of the object in messages and in libbpf, e.g. process.bpf.o
     * @param elf contents of the object file
     */
    public static Builder builder(String objectName, byte[] elf) {
        return new Builder(objectName, elf);
    }

    /** Returns each attached program with its attach point, e.g. {@code f: tracepoint a/b}. */
    public List<String> programs() {
        List<String> programs = new ArrayList<>();
        for (BpfLink link : object.links()) {
            programs.add(link.program().name() + ": " + link.attachPoint());
        }
        return programs;
    }

    /** Returns the loaded BPF object, to read or update its maps. */
    public BpfObject object() {
        return object;
    }

    /**
     * Sets an action that the poller thread runs after each poll and periodic step, e.g. handing
     * the events they produced to another thread at once.
     */
    public void afterPolls(Runnable action) {
        afterPolls = Objects.requireNonNull(action, "action");
    }

    /** Changes the maximum wait of one ring-buffer poll from the next poll on. */
    public void setPollTimeoutMillis(int millis) {
        if (millis < 0) {
            throw new IllegalArgumentException("poll timeout must not be negative: " + millis);
        }
        pollTimeoutMillis = millis;
        rearm();
    }

    /**
     * Changes the period of the periodic step; the next run is due one new period after the last
     * run.
     *
     * @throws IllegalStateException if the session has no periodic step
     */
    public void setPeriod(Duration period) {
        if (periodicStep == null) {
            throw new IllegalStateException("session of " + object.name()
                    + " has no periodic step");
        }
        requirePositive(period);
        periodNanos = period.toNanos();
        rearm();
    }

    /**
     * Takes the session off the poller and detaches every program, so no new records or counts
     * arrive.
     * Then passes the records still in the ring buffer to the handler and runs the periodic step
     * once more, so the last partial period is not lost. The maps stay readable until
     * {@link #close}. Failures of the last two steps go to the failure handler. Does nothing the
     * second time.
     */
    public synchronized void stop() {
        if (stopped) {
            return;
        }
        stopped = true;
        // false when called on the poller, or when this session's handler kept it for 5 s
        if (!PollLoop.shared().remove(this)) {
            return;
        }
        object.detachAll();
        drainLastTime();
    }

    /** Runs {@link #stop} and removes programs, links and maps from the kernel. */
    @Override
    public void close() {
        stop();
        // BpfObject.close waits for a poll still in progress if stop() timed out waiting for it.
        object.close();
    }

    private void rearm() {
        if (pollId != 0 && !removed) {
            PollLoop.shared().rearm();
        }
    }

    private void drainLastTime() {
        try {
            if (ringBuffer != null) {
                ringBuffer.consume();
            }
            if (periodicStep != null) {
                periodicStep.apply(object);
            }
        } catch (BpfException | RuntimeException e) {
            failureHandler.accept(e);
        }
    }

    private void loadAndAttach() throws BpfException {
        for (Map.Entry<String, byte[]> global : globals.entrySet()) {
            object.setGlobal(global.getKey(), global.getValue());
        }
        for (ObjectStep step : beforeLoad) {
            step.apply(object);
        }
        object.load();
        for (ObjectStep step : afterLoad) {
            step.apply(object);
        }
        for (Attachment attachment : attachments) {
            attachment.attach(object);
        }
        if (ringBufferMap != null) {
            ringBuffer = object.ringBuffer(ringBufferMap, recordHandler);
            for (BpfMap map : object.maps()) {
                if (map.name().equals(IDLE_MAP)) {
                    idleFlag = map;
                }
            }
        }
    }

    /** Returns the descriptor the poller waits on, the ring-buffer map's; -1 if none. */
    int pollFd() {
        return ringBuffer == null ? -1 : ringBuffer.map().fd();
    }

    /** Returns when the session must be served next, in {@link System#nanoTime} units. */
    long dueNanos() {
        long due = lastServed + (idle ? idleWaitNanos : pollTimeoutMillis * 1_000_000L);
        if (periodicStep != null) {
            due = Math.min(due, lastPeriodicRun + periodNanos);
        }
        return due;
    }

    /**
     * Runs one round on the poller thread: the before-poll action, the records in the ring, the
     * periodic step when due, and the after-polls action.
     *
     * @return false if a step failed; the failure went to the failure handler
     */
    boolean serve(long now) {
        boolean succeeded = true;
        try {
            beforePoll.run();
            if (ringBuffer != null) {
                // The BPF programs wake the poller only when much data waits, or when the ring
                // was idle (tarsier_ringbuf.h), so every round consumes what arrived.
                int consumed;
                try {
                    consumed = ringBuffer.consume();
                } catch (BpfException | RuntimeException | Error e) {
                    // A handler failed after records were taken, and one of them may have
                    // cleared the idle flag in the kernel: stay on the poll timeout.
                    idle = false;
                    lastRecord = now;
                    throw e;
                }
                if (consumed > 0) {
                    idle = false;
                    lastRecord = now;
                } else if (!idle && idleFlag != null
                        && (!served || now - lastRecord >= pollTimeoutMillis * 1_000_000L)) {
                    // also at the first round: the ring is empty when the session starts
                    enterIdle();
                }
            }
            served = true;
            if (periodicStep != null && now - lastPeriodicRun >= periodNanos) {
                lastPeriodicRun = now;
                periodicStep.apply(object);
            }
        } catch (BpfException | RuntimeException e) {
            succeeded = false;
            loopFailed(e);
        }
        lastServed = now;
        try {
            afterPolls.run();
        } catch (RuntimeException e) {
            succeeded = false;
            loopFailed(e);
        }
        return succeeded;
    }

    /** Passes a failure to the failure handler. A failure of the handler itself is dropped. */
    void loopFailed(Exception e) {
        try {
            failureHandler.accept(e);
        } catch (RuntimeException | Error ignored) {
            // The handler's own failure must not stop the poller that serves every session.
        }
    }

    /**
     * Sets the idle flag and drains the ring once more. A record submitted before the flag was
     * visible is found here, and a later one wakes the poller (tarsier_ringbuf.h). The session
     * stays idle, and is served at least every idle wait, while nothing arrives.
     */
    private void enterIdle() throws BpfException {
        idleFlag.update(new byte[Integer.BYTES], IDLE_VALUE, 0);
        // orders the flag's store before the ring's loads, as the BPF side orders the reverse
        VarHandle.fullFence();
        idle = ringBuffer.consume() == 0;
    }

    /** Waits until the poller thread is not serving this session; false if the wait timed out. */
    boolean awaitNotServed(long timeoutMillis) {
        try {
            if (!serving.tryLock(timeoutMillis, TimeUnit.MILLISECONDS)) {
                return false;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        serving.unlock();
        return true;
    }

    private static void requirePositive(Duration period) {
        if (period.isNegative() || period.isZero()) {
            throw new IllegalArgumentException("period must be positive: " + period);
        }
    }

    /** Description of a session; {@link #start} creates it. Not thread-safe. */
    public static final class Builder {

        private final String objectName;
        private final byte[] elf;
        private final Map<String, byte[]> globals = new LinkedHashMap<>();
        private final List<ObjectStep> beforeLoad = new ArrayList<>();
        private final List<ObjectStep> afterLoad = new ArrayList<>();
        private final List<Attachment> attachments = new ArrayList<>();
        private String ringBufferMap;
        private RecordHandler recordHandler;
        private Runnable beforePoll = () -> { };
        private Duration period;
        private ObjectStep periodicStep;
        private Consumer<Exception> failureHandler = e -> { };
        private int pollTimeoutMillis = 100;
        private int idleWaitMillis = 250;

        private Builder(String objectName, byte[] elf) {
            this.objectName = Objects.requireNonNull(objectName, "objectName");
            this.elf = Objects.requireNonNull(elf, "elf");
        }

        /** Sets a 32-bit {@code const volatile} global before load. */
        public Builder global(String variable, int value) {
            return global(variable, ByteBuffer.allocate(Integer.BYTES)
                    .order(ByteOrder.nativeOrder()).putInt(value).array());
        }

        /** Sets a 64-bit {@code const volatile} global before load. */
        public Builder global(String variable, long value) {
            return global(variable, ByteBuffer.allocate(Long.BYTES)
                    .order(ByteOrder.nativeOrder()).putLong(value).array());
        }

        /** Sets a {@code const volatile} global of any size, in native byte order. */
        public Builder global(String variable, byte[] value) {
            globals.put(Objects.requireNonNull(variable, "variable"), value.clone());
            return this;
        }

        /** Adds a step that runs after the globals are set and before load, e.g. map sizes. */
        public Builder beforeLoad(ObjectStep step) {
            beforeLoad.add(Objects.requireNonNull(step, "step"));
            return this;
        }

        /** Adds a step that runs after load and before attach, e.g. filling filter maps. */
        public Builder afterLoad(ObjectStep step) {
            afterLoad.add(Objects.requireNonNull(step, "step"));
            return this;
        }

        /** Adds a program to attach; programs are attached in the order added. */
        public Builder attach(Attachment attachment) {
            attachments.add(Objects.requireNonNull(attachment, "attachment"));
            return this;
        }

        /**
         * Sets the ring-buffer map to poll and the handler that receives its records on the
         * poller thread. A handler exception goes to {@link #onFailure}.
         */
        public Builder ringBuffer(String mapName, RecordHandler handler) {
            this.ringBufferMap = Objects.requireNonNull(mapName, "mapName");
            this.recordHandler = Objects.requireNonNull(handler, "handler");
            return this;
        }

        /** Sets an action that runs before each poll, e.g. refreshing a clock offset. */
        public Builder beforePoll(Runnable action) {
            this.beforePoll = Objects.requireNonNull(action, "action");
            return this;
        }

        /**
         * Sets a step that the poller thread runs each time {@code period} has passed since its
         * last run, between polls; polls are shortened so that it runs on time.
         */
        public Builder periodic(Duration period, ObjectStep step) {
            requirePositive(period);
            this.period = period;
            this.periodicStep = Objects.requireNonNull(step, "step");
            return this;
        }

        /** Sets the receiver of poll, handler and periodic-step failures, on the poller thread. */
        public Builder onFailure(Consumer<Exception> handler) {
            this.failureHandler = Objects.requireNonNull(handler, "handler");
            return this;
        }

        /** Sets the maximum wait of one ring-buffer poll in milliseconds; 100 by default. */
        public Builder pollTimeoutMillis(int millis) {
            if (millis < 0) {
                throw new IllegalArgumentException("poll timeout must not be negative: "
                        + millis);
            }
            this.pollTimeoutMillis = millis;
            return this;
        }

        /**
         * Sets the longest wait in milliseconds of a session that set its idle flag; 250 by
         * default. It bounds how long the before-poll action may wait.
         */
        public Builder idleWaitMillis(int millis) {
            if (millis <= 0) {
                throw new IllegalArgumentException("idle wait must be positive: " + millis);
            }
            this.idleWaitMillis = millis;
            return this;
        }

        /**
         * Opens, configures, loads and attaches the object and hands the session to the poller.
         *
         * @throws BpfException if libbpf or the kernel rejects a step; nothing stays loaded
         */
        public ProbeSession start() throws BpfException {
            BpfObject object = BpfObject.open(objectName, elf);
            try {
                ProbeSession session = new ProbeSession(object, this);
                session.loadAndAttach();
                long now = System.nanoTime();
                session.lastServed = now;
                session.lastRecord = now;
                session.lastPeriodicRun = now;
                PollLoop.shared().add(session);
                return session;
            } catch (BpfException | RuntimeException | Error e) {
                object.close();
                throw e;
            }
        }
    }
}
