package org.tarsier.probe.process.internal;

import java.util.Arrays;
import java.util.function.Consumer;

import org.tarsier.api.event.Event;
import org.tarsier.libbpf.BootClock;
import org.tarsier.libbpf.BpfException;
import org.tarsier.libbpf.probe.Attachment;
import org.tarsier.libbpf.probe.DropCounters;
import org.tarsier.libbpf.probe.ProbeSession;

/** Names in process.bpf.o, and how a session of the process probe is started from them. */
final class ProcessObject {

    static final String OBJECT_NAME = "process.bpf.o";
    static final String RESOURCE = "/bpf/" + OBJECT_NAME;
    static final String EXEC_PROGRAM = "handle_exec";
    static final String FORK_PROGRAM = "handle_fork";
    static final String EXIT_PROGRAM = "handle_exit";
    static final String EVENTS_MAP = "process_events";
    static final String DROPS_MAP = "process_drops";

    /** The process_drops map, keyed by {@link DropReason}. */
    static final DropCounters DROPS = new DropCounters(DROPS_MAP,
            Arrays.stream(DropReason.values()).map(DropReason::key).toList());

    private ProcessObject() {
    }

    /**
     * Opens, configures, loads and attaches process.bpf.o and hands it to the shared poller thread.
     *
     * @param elf contents of process.bpf.o
     * @param sink receives each decoded event on the poller thread; must not block for long
     * @param pollFailure receives poll and decoding failures on the poller thread
     * @throws BpfException if the kernel rejects a program or an attach; nothing stays loaded
     */
    static ProbeSession start(byte[] elf, Settings settings, RecordDecoder decoder,
            Consumer<Event> sink, Consumer<Exception> pollFailure) throws BpfException {
        return ProbeSession.builder(OBJECT_NAME, elf)
                .global("max_args", settings.maxArgs())
                .global("max_args_bytes", settings.maxArgsBytes())
                .attach(Attachment.tracepoint(EXEC_PROGRAM, settings.execTracepointCategory(),
                        settings.execTracepointName()))
                .attach(Attachment.section(FORK_PROGRAM))
                .attach(Attachment.section(EXIT_PROGRAM))
                .ringBuffer(EVENTS_MAP, record -> sink.accept(decoder.decode(record)))
                .beforePoll(() -> decoder.setEpochOffsetNanos(BootClock.epochOffsetNanos()))
                .pollTimeoutMillis(settings.pollTimeoutMillis())
                .onFailure(pollFailure)
                .start();
    }
}
