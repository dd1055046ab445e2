package org.tarsier.probe.tcp.internal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

import org.tarsier.api.event.TcpEvent;
import org.tarsier.libbpf.BootClock;
import org.tarsier.libbpf.BpfException;
import org.tarsier.libbpf.BpfMap;
import org.tarsier.libbpf.BpfObject;
import org.tarsier.libbpf.probe.Attachment;
import org.tarsier.libbpf.probe.DropCounters;
import org.tarsier.libbpf.probe.ProbeSession;

/** Names in tcp.bpf.o, and how a session of the TCP probe is started from them. */
final class TcpObject {

    static final String OBJECT_NAME = "tcp.bpf.o";
    static final String RESOURCE = "/bpf/" + OBJECT_NAME;
    static final String EVENTS_MAP = "tcp_events";
    static final String DROPS_MAP = "tcp_drops";
    static final String CONFIG_MAP = "tcp_config";
    static final String OWNERS_MAP = "tcp_owners";

    /** Programs with the tracepoints that their sections name, in attach order. */
    static final List<String> PROGRAMS = List.of(
            "handle_connect_enter",
            "handle_connect_exit",
            "handle_accept_enter",
            "handle_accept4_enter",
            "handle_accept_exit",
            "handle_accept4_exit",
            "handle_set_state");

    /** The tcp_drops map, keyed by {@link DropReason}. */
    static final DropCounters DROPS = new DropCounters(DROPS_MAP,
            Arrays.stream(DropReason.values()).map(DropReason::key).toList());

    private TcpObject() {
    }

    /**
     * Opens, configures, loads and attaches tcp.bpf.o and hands it to the shared poller thread.
     * The syscall programs attach before the state program, so that sockets already have owners
     * when state changes are reported.
     *
     * @param elf contents of tcp.bpf.o
     * @param sink receives each decoded event on the poller thread; must not block for long
     * @param failure receives poll and decoding failures on the poller thread
     * @throws BpfException if the kernel rejects a program or an attach; nothing stays loaded
     */
    static ProbeSession start(byte[] elf, Settings settings, RecordDecoder decoder,
            Consumer<TcpEvent> sink, Consumer<Exception> failure) throws BpfException {
        decoder.setHostIncluded(settings.host());
        ProbeSession.Builder builder = ProbeSession.builder(OBJECT_NAME, elf)
                .beforeLoad(object -> object.map(OWNERS_MAP)
                        .setMaxEntries(settings.ownerMapEntries()))
                .afterLoad(object -> writeFilter(object, settings));
        for (String program : PROGRAMS) {
            builder.attach(Attachment.section(program));
        }
        return builder
                .ringBuffer(EVENTS_MAP, record -> decoder.decode(record).ifPresent(sink))
                .beforePoll(() -> decoder.setEpochOffsetNanos(BootClock.epochOffsetNanos()))
                .pollTimeoutMillis(settings.pollTimeoutMillis())
                .onFailure(failure)
                .start();
    }

    /**
     * Writes the host and states settings into the tcp_config map, where the programs read them
     * for every event; safe while the programs run.
     */
    static void writeFilter(BpfObject object, Settings settings) throws BpfException {
        BpfMap config = object.map(CONFIG_MAP);
        byte[] key = ByteBuffer.allocate(Integer.BYTES).order(ByteOrder.nativeOrder())
                .putInt(0).array();
        byte[] value = ByteBuffer.allocate((int) RecordLayouts.SETTINGS.byteSize())
                .order(ByteOrder.nativeOrder())
                .putInt(settings.host() ? 1 : 0)
                .putInt(settings.states() ? 1 : 0)
                .array();
        config.update(key, value, BpfMap.UPDATE_ANY);
    }
}
