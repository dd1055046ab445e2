package org.tarsier.probe.syscall.internal;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

import org.tarsier.api.event.Event;
import org.tarsier.libbpf.BootClock;
import org.tarsier.libbpf.BpfException;
import org.tarsier.libbpf.probe.Attachment;
import org.tarsier.libbpf.probe.DropCounters;
import org.tarsier.libbpf.probe.ProbeSession;

/** Names in syscall.bpf.o, and how a session of the syscall probe is started from them. */
final class SyscallObject {

    static final String OBJECT_NAME = "syscall.bpf.o";
    static final String RESOURCE = "/bpf/" + OBJECT_NAME;
    static final String ENTER_PROGRAM = "handle_sys_enter";
    static final String EXIT_PROGRAM = "handle_sys_exit";
    static final String EVENTS_MAP = "syscall_events";
    static final String DROPS_MAP = "syscall_drops";

    /** The syscall_drops map, indexed by enum drop_reason of syscall.h. */
    static final DropCounters DROPS = new DropCounters(DROPS_MAP, List.of("ringbuf",
            "counts_full", "pending_full", "string_read", "cgroup_read", "names_full"));

    private SyscallObject() {
    }

    /**
     * Opens, configures, loads and attaches syscall.bpf.o and hands it to the shared poller
     * thread, which also ends the count windows.
     *
     * @param elf contents of syscall.bpf.o
     * @param sink receives each event on the poller thread; must not block for long
     * @param failure receives poll, decoding and window failures on the poller thread
     * @throws BpfException if the kernel rejects a program, a map or an attach; nothing stays
     *     loaded
     */
    static ProbeSession start(byte[] elf, Settings settings, SyscallTable table,
            RecordDecoder decoder, Consumer<Event> sink, Consumer<Exception> failure)
            throws BpfException {
        CountWindow window = new CountWindow(table, decoder::containerOf, sink::accept);
        return ProbeSession.builder(OBJECT_NAME, elf)
                .beforeLoad(object -> {
                    int entries = settings.countsMaxEntries();
                    object.map(CountWindow.GENERATION_A).setMaxEntries(entries);
                    object.map(CountWindow.GENERATION_B).setMaxEntries(entries);
                })
                .afterLoad(object -> {
                    ProbeMaps.writeHostCgroups(object, Set.of(), settings.hostCgroups());
                    ProbeMaps.writeIncludeHost(object, settings.includeHost());
                    ProbeMaps.writeSelection(object, table, settings.syscalls());
                })
                .attach(Attachment.section(ENTER_PROGRAM))
                .attach(Attachment.section(EXIT_PROGRAM))
                .ringBuffer(EVENTS_MAP, record -> sink.accept(decoder.decode(record)))
                .beforePoll(() -> decoder.setEpochOffsetNanos(BootClock.epochOffsetNanos()))
                .periodic(Duration.ofMillis(settings.windowMillis()), window::close)
                .pollTimeoutMillis(settings.pollTimeoutMillis())
                .onFailure(failure)
                .start();
    }
}
