package org.tarsier.probe.file.internal;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import org.tarsier.libbpf.BootClock;
import org.tarsier.libbpf.BpfException;
import org.tarsier.libbpf.BpfMap;
import org.tarsier.libbpf.BpfObject;
import org.tarsier.libbpf.probe.Attachment;
import org.tarsier.libbpf.probe.DropCounters;
import org.tarsier.libbpf.probe.ProbeSession;

/** Names in file.bpf.o, how a session of the file probe starts, and its filter maps. */
final class FileObject {

    static final String OBJECT_NAME = "file.bpf.o";
    static final String RESOURCE = "/bpf/" + OBJECT_NAME;
    static final String EXIT_PROGRAM = "handle_sys_exit";
    /** Program on the BTF-typed sys_exit tracepoint for the operations of i386 syscalls. */
    static final String IA32_EXIT_PROGRAM = "ia32_sys_exit";
    static final String EVENTS_MAP = "file_events";
    static final String DROPS_MAP = "file_drops";
    static final String CONFIG_MAP = "file_config";
    static final String INCLUDES_MAP = "file_includes";
    static final String EXCLUDES_MAP = "file_excludes";
    static final String SENSITIVE_MAP = "file_sensitive";
    static final String GENERATIONS_MAP = "file_generations";
    /** Words of file_config's sensitive_second bitmap, one bit per byte value. */
    private static final int SECOND_BYTE_WORDS = 4;

    /** The file_drops map, keyed by {@link DropReason}. */
    static final DropCounters DROPS = new DropCounters(DROPS_MAP,
            Arrays.stream(DropReason.values()).map(DropReason::key).toList());

    private static final ValueLayout.OfInt NATIVE_INT =
            ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.nativeOrder());
    private static final ValueLayout.OfLong NATIVE_LONG =
            ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.nativeOrder());

    /** Index of the filter write counter in file_generations (enum generation_key). */
    private static final int GENERATION_CONFIG = 1;

    /** Counts filter writes; each one ends the validity of the kernel's cached read verdicts. */
    private static final AtomicLong FILTER_WRITES = new AtomicLong();

    /**
     * What the kernel filter needs besides the settings.
     *
     * @param hostMountNamespace inode number of the host's mount namespace
     * @param selfTgid the agent's process id, whose operations are never reported
     */
    record Identity(int hostMountNamespace, int selfTgid) {
    }

    private FileObject() {
    }

    /**
     * Opens, loads and attaches file.bpf.o for the syscalls in {@code syscalls}, writes the
     * filter maps and hands it to the shared poller thread.
     *
     * @param syscalls names from {@link SyscallTracepoints#available}
     * @param handler receives each decoded record on the poller thread; must not block for long
     * @param pollFailure receives poll and decoding failures on the poller thread
     * @throws BpfException if the kernel rejects a program or an attach; nothing stays loaded
     */
    static ProbeSession start(byte[] elf, List<String> syscalls, Settings settings,
            Identity identity, RecordDecoder decoder, Consumer<RecordDecoder.Decoded> handler,
            Consumer<Exception> pollFailure) throws BpfException {
        ProbeSession.Builder builder = ProbeSession.builder(OBJECT_NAME, elf)
                .beforeLoad(object -> skipMissing(object, syscalls))
                .afterLoad(object -> writeFilters(object, settings, identity));
        // The kernel fires no syscalls/* tracepoint for i386 syscalls, so they need their own.
        builder.attach(Attachment.section(IA32_EXIT_PROGRAM));
        // Exits first: an enter program never runs while its exit is not attached.
        for (String syscall : syscalls) {
            builder.attach(Attachment.tracepoint(EXIT_PROGRAM, SyscallTracepoints.CATEGORY,
                    SyscallTracepoints.exitTracepoint(syscall)));
        }
        for (String syscall : syscalls) {
            builder.attach(Attachment.section(SyscallTracepoints.enterProgram(syscall)));
        }
        for (String syscall : SyscallTracepoints.MOUNT_MOVES) {
            builder.attach(Attachment.section(SyscallTracepoints.enterProgram(syscall)));
        }
        for (String syscall : SyscallTracepoints.PATH_MOVES) {
            builder.attach(Attachment.section(SyscallTracepoints.movedProgram(syscall)));
        }
        return builder
                .ringBuffer(EVENTS_MAP, record -> handler.accept(decoder.decode(record)))
                .beforePoll(() -> decoder.setEpochOffsetNanos(BootClock.epochOffsetNanos()))
                .pollTimeoutMillis(settings.pollTimeoutMillis())
                .onFailure(pollFailure)
                .start();
    }

    /**
     * Writes the filter maps of a loaded object. The configuration goes first with empty
     * prefix lists and every open reported, so while the lists change the kernel reports too
     * much rather than too little.
     *
     * @throws BpfException if the kernel rejects an update
     */
    static void writeFilters(BpfObject object, Settings settings, Identity identity)
            throws BpfException {
        writeConfig(object, settings, identity, false);
        writePrefixes(object.map(INCLUDES_MAP), settings.includePrefixes());
        writePrefixes(object.map(EXCLUDES_MAP), settings.excludePrefixes());
        writePrefixes(object.map(SENSITIVE_MAP), settings.sensitiveReadPrefixes());
        writeConfig(object, settings, identity, true);
        byte[] writes = new byte[Long.BYTES];
        MemorySegment.ofArray(writes).set(NATIVE_LONG, 0, FILTER_WRITES.incrementAndGet());
        object.map(GENERATIONS_MAP).update(key(GENERATION_CONFIG), writes, BpfMap.UPDATE_ANY);
    }

    private static void skipMissing(BpfObject object, List<String> syscalls) {
        for (String syscall : SyscallTracepoints.SYSCALLS) {
            if (!syscalls.contains(syscall)) {
                object.program(SyscallTracepoints.enterProgram(syscall)).setAutoload(false);
            }
        }
    }

    /**
     * Writes file_config. Unless {@code complete}, the prefix lists are left out and every
     * open passes, which is the state while the lists are rewritten.
     */
    private static void writeConfig(BpfObject object, Settings settings, Identity identity,
            boolean complete) throws BpfException {
        StructLayout layout = RecordLayouts.CONFIG;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment value = arena.allocate(layout);
            setInt(value, layout, "containers_only", settings.containersOnly() ? 1 : 0);
            setInt(value, layout, "write_opens_only",
                    complete && settings.writeOpensOnly() ? 1 : 0);
            setInt(value, layout, "include_count",
                    complete ? settings.includePrefixes().size() : 0);
            setInt(value, layout, "exclude_count",
                    complete ? settings.excludePrefixes().size() : 0);
            setInt(value, layout, "host_mnt_ns", identity.hostMountNamespace());
            setInt(value, layout, "self_tgid", identity.selfTgid());
            setInt(value, layout, "sensitive_count",
                    complete ? settings.sensitiveReadPrefixes().size() : 0);
            MemorySegment.copy(sensitiveSecondBytes(settings.sensitiveReadPrefixes()), 0, value,
                    ValueLayout.JAVA_LONG, RecordLayouts.offset(layout, "sensitive_second"),
                    SECOND_BYTE_WORDS);
            object.map(CONFIG_MAP).update(key(0), value.toArray(ValueLayout.JAVA_BYTE),
                    BpfMap.UPDATE_ANY);
        }
    }

    /**
     * Returns file_config's sensitive_second bitmap: bit c is set when an entry can match a
     * path whose byte after the leading '/' is c. An entry with '*' there, or one that does not
     * start with '/' and another byte, sets every bit.
     */
    static long[] sensitiveSecondBytes(List<String> prefixes) {
        long[] bits = new long[SECOND_BYTE_WORDS];
        for (String prefix : prefixes) {
            byte[] bytes = prefix.getBytes(StandardCharsets.UTF_8);
            if (bytes.length < 2 || bytes[0] != '/' || bytes[1] == '*') {
                Arrays.fill(bits, -1L);
                return bits;
            }
            int second = bytes[1] & 0xFF;
            bits[second >>> 6] |= 1L << (second & 63);
        }
        return bits;
    }

    /**
     * Writes a prefix list; the '*' of a sensitive-read pattern is left out of the bytes and
     * its position goes to star.
     */
    private static void writePrefixes(BpfMap map, List<String> prefixes) throws BpfException {
        StructLayout layout = RecordLayouts.PREFIX;
        long bytesOffset = RecordLayouts.offset(layout, "bytes");
        for (int i = 0; i < RecordLayouts.PREFIX_COUNT_LIMIT; i++) {
            String prefix = i < prefixes.size() ? prefixes.get(i) : "";
            int star = prefix.indexOf('*');
            byte[] head = (star < 0 ? prefix : prefix.substring(0, star))
                    .getBytes(StandardCharsets.UTF_8);
            byte[] bytes = (star < 0 ? prefix : prefix.substring(0, star)
                    + prefix.substring(star + 1)).getBytes(StandardCharsets.UTF_8);
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment value = arena.allocate(layout);
                setInt(value, layout, "length", bytes.length);
                setInt(value, layout, "star", star < 0 ? 0 : head.length);
                MemorySegment.copy(bytes, 0, value, ValueLayout.JAVA_BYTE, bytesOffset,
                        bytes.length);
                map.update(key(i), value.toArray(ValueLayout.JAVA_BYTE), BpfMap.UPDATE_ANY);
            }
        }
    }

    private static void setInt(MemorySegment value, StructLayout layout, String member, int v) {
        value.set(NATIVE_INT, RecordLayouts.offset(layout, member), v);
    }

    private static byte[] key(int index) {
        byte[] key = new byte[Integer.BYTES];
        MemorySegment.ofArray(key).set(NATIVE_INT, 0, index);
        return key;
    }
}
