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
import java.util.function.Consumer;

import org.tarsier.libbpf.BpfException;
import org.tarsier.libbpf.BpfLink;
import org.tarsier.libbpf.BpfMap;
import org.tarsier.libbpf.BpfObject;
import org.tarsier.libbpf.RecordHandler;
import org.tarsier.libbpf.RingBuffer;

/**
 * One load of a probe's BPF object: the object with its links and ring buffer, and the poller
 * thread that reads the ring buffer and runs the periodic step. {@link #close} removes all of it
 * from the kernel and the JVM.
 *
 * <p>{@link Builder#start} runs, in this order: open the object, set the {@code const volatile}
 * globals, run the {@link Builder#beforeLoad} steps, load, run the {@link Builder#afterLoad}
 * steps, attach the programs in the order given, create the ring-buffer consumer, and start the
 * poller. If any of it fails, nothing stays in the kernel and no thread runs.
 *
 * <p>The poller thread runs, in a loop: the {@link Builder#beforePoll} action, one ring-buffer
 * poll of at most the poll timeout, the periodic step when its period has passed, and the
 * {@link #afterPolls} action. If the
 * object has the {@code tarsier_idle} map of {@code tarsier_ringbuf.h}, a poller that found no
 * record for a whole poll timeout sets it and then waits up to 250 ms, because the next record
 * wakes it at once. Failures of
 * any of them go to the {@link Builder#onFailure} consumer, and the loop goes on after a pause
 * of 100 ms. Record handlers and the periodic step run on the poller thread and must not block
 * for long.
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

    private static final long FAILURE_BACKOFF_MILLIS = 100;
    private static final long JOIN_SLACK_MILLIS = 5_000;
    /** Map of tarsier_ringbuf.h. While its entry 0 is 1, the next record wakes the poller. */
    static final String IDLE_MAP = "tarsier_idle";
    /** Maximum wait of an idle poller. It bounds how long {@link #stop} waits for the poller. */
    private static final int IDLE_WAIT_MILLIS = 250;
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
    private final Thread poller;
    private RingBuffer ringBuffer;
    private BpfMap idleFlag;
    private boolean idle;
    private volatile Runnable afterPolls = () -> { };
    private volatile int pollTimeoutMillis;
    private volatile long periodNanos;
    private long lastPeriodicRun;
    private volatile boolean running = true;
    private boolean stopped;

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
        this.poller = new Thread(this::poll, builder.threadName);
        this.poller.setDaemon(true);
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
    }

    /**
     * Stops the poller thread and detaches every program, so no new records or counts arrive.
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
        running = false;
        boolean pollerEnded = Thread.currentThread() != poller && awaitPoller();
        if (!pollerEnded) {
            return;
        }
        object.detachAll();
        drainLastTime();
    }

    /** Runs {@link #stop} and removes programs, links and maps from the kernel. */
    @Override
    public void close() {
        stop();
        // BpfObject.close waits for a poll still in progress if the poller did not end in time.
        object.close();
    }

    private boolean awaitPoller() {
        try {
            poller.join(pollTimeoutMillis + JOIN_SLACK_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return !poller.isAlive();
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

    private void poll() {
        lastPeriodicRun = System.nanoTime();
        // The ring is empty at start, so the poller starts idle.
        boolean idleAtStart = idleFlag != null;
        while (running) {
            try {
                beforePoll.run();
                if (idleAtStart) {
                    idleAtStart = false;
                    enterIdle();
                }
                waitForRecords();
                if (periodicStep != null && System.nanoTime() - lastPeriodicRun >= periodNanos) {
                    lastPeriodicRun = System.nanoTime();
                    periodicStep.apply(object);
                }
            } catch (BpfException | RuntimeException e) {
                if (!running) {
                    return;
                }
                failureHandler.accept(e);
                backOff();
            }
            afterPolls.run();
        }
    }

    private void waitForRecords() throws BpfException {
        int timeout = idle ? IDLE_WAIT_MILLIS : pollTimeoutMillis;
        if (periodicStep != null) {
            long untilDue = periodNanos - (System.nanoTime() - lastPeriodicRun);
            timeout = (int) Math.max(1, Math.min(timeout, untilDue / 1_000_000));
        }
        if (ringBuffer != null) {
            // The BPF programs wake the poller only when much data waits (tarsier_ringbuf.h), so
            // a poll that times out must still consume what arrived without a wakeup.
            int consumed = ringBuffer.poll(Duration.ofMillis(timeout));
            if (consumed == 0) {
                consumed = ringBuffer.consume();
            }
            if (consumed > 0) {
                idle = false;
            } else if (!idle && idleFlag != null) {
                enterIdle();
            }
            return;
        }
        try {
            Thread.sleep(timeout);
        } catch (InterruptedException e) {
            running = false;
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Sets the idle flag and drains the ring once more. A record submitted before the flag was
     * visible is found here, and a later one wakes the poller (tarsier_ringbuf.h). The poller
     * stays idle, and waits up to IDLE_WAIT_MILLIS, while nothing arrives.
     */
    private void enterIdle() throws BpfException {
        idleFlag.update(new byte[Integer.BYTES], IDLE_VALUE, 0);
        // orders the flag's store before the ring's loads, as the BPF side orders the reverse
        VarHandle.fullFence();
        idle = ringBuffer.consume() == 0;
    }

    private void backOff() {
        try {
            Thread.sleep(FAILURE_BACKOFF_MILLIS);
        } catch (InterruptedException e) {
            running = false;
            Thread.currentThread().interrupt();
        }
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
        private String threadName;

        private Builder(String objectName, byte[] elf) {
            this.objectName = Objects.requireNonNull(objectName, "objectName");
            this.elf = Objects.requireNonNull(elf, "elf");
            this.threadName = "tarsier-" + objectName + "-poller";
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

        /** Sets the poller thread's name; {@code tarsier-<object name>-poller} by default. */
        public Builder threadName(String name) {
            this.threadName = Objects.requireNonNull(name, "name");
            return this;
        }

        /**
         * Opens, configures, loads and attaches the object and starts the poller thread.
         *
         * @throws BpfException if libbpf or the kernel rejects a step; nothing stays loaded
         */
        public ProbeSession start() throws BpfException {
            BpfObject object = BpfObject.open(objectName, elf);
            try {
                ProbeSession session = new ProbeSession(object, this);
                session.loadAndAttach();
                session.poller.start();
                return session;
            } catch (BpfException | RuntimeException e) {
                object.close();
                throw e;
            }
        }
    }
}
