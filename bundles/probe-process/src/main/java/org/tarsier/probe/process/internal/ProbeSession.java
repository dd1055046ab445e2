package org.tarsier.probe.process.internal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

import org.tarsier.api.event.Event;
import org.tarsier.libbpf.BootClock;
import org.tarsier.libbpf.BpfException;
import org.tarsier.libbpf.BpfLink;
import org.tarsier.libbpf.BpfMap;
import org.tarsier.libbpf.BpfObject;
import org.tarsier.libbpf.RingBuffer;

/**
 * One load of the process probe: the BPF object with its links and ring buffer, and the thread
 * that polls the ring buffer. {@link #close} removes all of it from the kernel and the JVM.
 */
final class ProbeSession implements AutoCloseable {

    static final String OBJECT_NAME = "process.bpf.o";
    static final String RESOURCE = "/bpf/" + OBJECT_NAME;
    static final String EXEC_PROGRAM = "handle_exec";
    static final String FORK_PROGRAM = "handle_fork";
    static final String EXIT_PROGRAM = "handle_exit";
    static final String EVENTS_MAP = "process_events";
    static final String DROPS_MAP = "process_drops";

    private static final long FAILURE_BACKOFF_MILLIS = 100;
    private static final long JOIN_SLACK_MILLIS = 5_000;

    private final BpfObject object;
    private final RecordDecoder decoder;
    private final Consumer<Event> sink;
    private final Consumer<Exception> pollFailure;
    private final Thread poller;
    private RingBuffer ringBuffer;
    private volatile int pollTimeoutMillis;
    private volatile boolean running = true;

    private ProbeSession(BpfObject object, RecordDecoder decoder, Consumer<Event> sink,
            Consumer<Exception> pollFailure, int pollTimeoutMillis) {
        this.object = object;
        this.decoder = decoder;
        this.sink = sink;
        this.pollFailure = pollFailure;
        this.pollTimeoutMillis = pollTimeoutMillis;
        this.poller = new Thread(this::poll, "tarsier-process-probe-poller");
        this.poller.setDaemon(true);
    }

    /**
     * Opens, configures, loads and attaches the probe's object and starts the poller thread.
     *
     * @param elf contents of process.bpf.o
     * @param sink receives each decoded event on the poller thread; must not block for long
     * @param pollFailure receives poll and decoding failures on the poller thread
     * @throws BpfException if the kernel rejects a program or an attach; nothing stays loaded
     */
    static ProbeSession start(byte[] elf, Settings settings, RecordDecoder decoder,
            Consumer<Event> sink, Consumer<Exception> pollFailure) throws BpfException {
        BpfObject object = BpfObject.open(OBJECT_NAME, elf);
        try {
            ProbeSession session = new ProbeSession(
                    object, decoder, sink, pollFailure, settings.pollTimeoutMillis());
            session.loadAndAttach(settings);
            session.poller.start();
            return session;
        } catch (BpfException | RuntimeException e) {
            object.close();
            throw e;
        }
    }

    /** Returns each program with its attach point, e.g. {@code handle_exec: tracepoint ...}. */
    List<String> programs() {
        List<String> programs = new ArrayList<>();
        for (BpfLink link : object.links()) {
            programs.add(link.program().name() + ": " + link.attachPoint());
        }
        return programs;
    }

    /** Returns the BPF object, for tests that inspect what is in the kernel. */
    BpfObject object() {
        return object;
    }

    /** Changes the poll timeout from the next poll on. */
    void setPollTimeoutMillis(int millis) {
        pollTimeoutMillis = millis;
    }

    /**
     * Returns the kernel's drop counters, summed over CPUs, by {@link DropReason#key()}.
     *
     * @throws BpfException if the map cannot be read
     */
    Map<String, Long> dropCounts() throws BpfException {
        BpfMap drops = object.map(DROPS_MAP);
        Map<String, Long> counts = new LinkedHashMap<>();
        for (DropReason reason : DropReason.values()) {
            byte[] key = ByteBuffer.allocate(Integer.BYTES).order(ByteOrder.nativeOrder())
                    .putInt(reason.ordinal()).array();
            Optional<List<byte[]>> perCpu = drops.lookupPerCpu(key);
            long sum = 0;
            for (byte[] value : perCpu.orElse(List.of())) {
                sum += ByteBuffer.wrap(value).order(ByteOrder.nativeOrder()).getLong();
            }
            counts.put(reason.key(), sum);
        }
        return counts;
    }

    /** Stops the poller and removes programs, links and maps from the kernel. */
    @Override
    public void close() {
        running = false;
        if (Thread.currentThread() != poller) {
            try {
                poller.join(pollTimeoutMillis + JOIN_SLACK_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        // Waits for a poll still in progress, if the join timed out.
        object.close();
    }

    private void loadAndAttach(Settings settings) throws BpfException {
        object.setGlobal("max_args", settings.maxArgs());
        object.setGlobal("max_args_bytes", settings.maxArgsBytes());
        object.load();
        object.program(EXEC_PROGRAM).attachTracepoint(
                settings.execTracepointCategory(), settings.execTracepointName());
        object.program(FORK_PROGRAM).attach();
        object.program(EXIT_PROGRAM).attach();
        ringBuffer = object.ringBuffer(EVENTS_MAP, record -> sink.accept(decoder.decode(record)));
    }

    private void poll() {
        while (running) {
            try {
                decoder.setEpochOffsetNanos(BootClock.epochOffsetNanos());
                ringBuffer.poll(Duration.ofMillis(pollTimeoutMillis));
            } catch (BpfException | RuntimeException e) {
                if (!running) {
                    return;
                }
                pollFailure.accept(e);
                backOff();
            }
        }
    }

    private void backOff() {
        try {
            Thread.sleep(FAILURE_BACKOFF_MILLIS);
        } catch (InterruptedException e) {
            running = false;
            Thread.currentThread().interrupt();
        }
    }
}
