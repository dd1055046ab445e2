package org.tarsier.probe.syscall.internal;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;

import org.tarsier.api.event.EventHeader;
import org.tarsier.api.event.SyscallCountEvent;
import org.tarsier.libbpf.BootClock;
import org.tarsier.libbpf.BpfException;
import org.tarsier.libbpf.BpfMap;
import org.tarsier.libbpf.BpfObject;
import org.tarsier.probe.syscall.internal.SyscallTable.Abi;

/**
 * Ends count windows: switches the programs to the other generation of the counts map, reads
 * and clears the generation they left, and emits one {@link SyscallCountEvent} per cgroup.
 *
 * <p>Switching writes the ARRAY_OF_MAPS entry counts_current from user space, and the kernel
 * returns from that update only after an RCU grace period (maybe_wait_bpf_programs in
 * kernel/bpf/syscall.c, Linux 5.0 and later). Programs that still used the old generation have
 * then finished, so the read sees every count and the deletes lose none. Only the poller thread
 * calls {@link #close}.
 */
final class CountWindow {

    static final String CURRENT_MAP = "counts_current";
    static final String GENERATION_A = "syscall_counts_a";
    static final String GENERATION_B = "syscall_counts_b";
    static final String NAMES_MAP = "cgroup_names";

    private final SyscallTable table;
    private final RecordDecoder.ContainerAttribution attribution;
    private final Consumer<SyscallCountEvent> sink;
    private boolean writingA = true;
    private long startNanos = System.nanoTime();

    CountWindow(SyscallTable table, RecordDecoder.ContainerAttribution attribution,
            Consumer<SyscallCountEvent> sink) {
        this.table = table;
        this.attribution = attribution;
        this.sink = sink;
    }

    /** Ends the current window and emits its counts; the next window starts now. */
    void close(BpfObject object) throws BpfException {
        BpfMap finished = object.map(writingA ? GENERATION_A : GENERATION_B);
        BpfMap next = object.map(writingA ? GENERATION_B : GENERATION_A);
        object.map(CURRENT_MAP).update(ProbeMaps.intKey(0), fd(next), BpfMap.UPDATE_ANY);
        writingA = !writingA;
        long endNanos = System.nanoTime();
        long windowNanos = endNanos - startNanos;
        startNanos = endNanos;
        long endTime = BootClock.realTimeNanos();

        Map<Long, Map<String, Long>> counts = drain(finished);
        for (Map.Entry<Long, Map<String, Long>> cgroup : counts.entrySet()) {
            sink.accept(event(object, cgroup.getKey(), cgroup.getValue(), endTime, windowNanos));
        }
    }

    /** Reads every count of a generation no program writes, by cgroup, and deletes it. */
    private Map<Long, Map<String, Long>> drain(BpfMap generation) throws BpfException {
        Map<Long, Map<String, Long>> counts = new TreeMap<>();
        for (byte[] key : generation.keys()) {
            Optional<List<byte[]>> perCpu = generation.lookupPerCpu(key);
            generation.delete(key);
            if (perCpu.isEmpty()) {
                continue;
            }
            long sum = 0;
            for (byte[] value : perCpu.get()) {
                sum += ByteBuffer.wrap(value).order(ByteOrder.nativeOrder()).getLong();
            }
            ByteBuffer parsed = ByteBuffer.wrap(key).order(ByteOrder.nativeOrder());
            long cgroupId = parsed.getLong();
            int number = parsed.getInt();
            Abi abi = parsed.getInt() == 0 ? Abi.NATIVE : Abi.COMPAT;
            counts.computeIfAbsent(cgroupId, id -> new TreeMap<>())
                    .merge(table.name(abi, number), sum, Long::sum);
        }
        return counts;
    }

    private SyscallCountEvent event(BpfObject object, long cgroupId, Map<String, Long> counts,
            long endTime, long windowNanos) throws BpfException {
        long total = counts.values().stream().mapToLong(Long::longValue).sum();
        EventHeader header = new EventHeader(endTime, cgroupId, 0, 0, 0, 0, 0, "");
        return new SyscallCountEvent(header,
                attribution.containerOf(cgroupId, cgroupPath(object, cgroupId)), windowNanos,
                new LinkedHashMap<>(counts), total);
    }

    private static String cgroupPath(BpfObject object, long cgroupId) throws BpfException {
        Optional<byte[]> names = object.map(NAMES_MAP).lookup(ProbeMaps.longKey(cgroupId));
        if (names.isEmpty()) {
            return "";
        }
        MemorySegment segment = MemorySegment.ofArray(names.get());
        return RecordDecoder.cgroupPath(
                RecordDecoder.string(segment, 0, RecordLayouts.CGROUP_NAME_SIZE),
                RecordDecoder.string(segment, RecordLayouts.CGROUP_NAME_SIZE,
                        RecordLayouts.CGROUP_NAME_SIZE));
    }

    private static byte[] fd(BpfMap map) {
        return ProbeMaps.intKey(map.fd());
    }
}
