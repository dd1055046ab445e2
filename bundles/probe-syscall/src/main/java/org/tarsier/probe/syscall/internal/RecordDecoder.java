package org.tarsier.probe.syscall.internal;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;
import static org.tarsier.probe.syscall.internal.RecordLayouts.ARG_STRING_SIZE;
import static org.tarsier.probe.syscall.internal.RecordLayouts.CGROUP_NAME_SIZE;
import static org.tarsier.probe.syscall.internal.RecordLayouts.HEADER;
import static org.tarsier.probe.syscall.internal.RecordLayouts.STRING_SLOTS;
import static org.tarsier.probe.syscall.internal.RecordLayouts.SYSCALL;
import static org.tarsier.probe.syscall.internal.RecordLayouts.SYSCALL_ARGS;
import static org.tarsier.probe.syscall.internal.RecordLayouts.offset;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.tarsier.api.container.ContainerInfo;
import org.tarsier.api.event.EventHeader;
import org.tarsier.api.event.SyscallEvent;
import org.tarsier.probe.syscall.internal.SyscallTable.Abi;

/**
 * Decodes syscall records laid out as in syscall.h into {@link SyscallEvent}s. Reads use
 * unaligned accessors, so records in heap byte arrays decode like records in the ring buffer.
 */
final class RecordDecoder {

    private static final long HEADER_OFFSET = offset(SYSCALL, "header");
    private static final long BOOT_NS = HEADER_OFFSET + offset(HEADER, "boot_ns");
    private static final long CGROUP_ID = HEADER_OFFSET + offset(HEADER, "cgroup_id");
    private static final long KIND = HEADER_OFFSET + offset(HEADER, "kind");
    private static final long PID = HEADER_OFFSET + offset(HEADER, "pid");
    private static final long TID = HEADER_OFFSET + offset(HEADER, "tid");
    private static final long PPID = HEADER_OFFSET + offset(HEADER, "ppid");
    private static final long UID = HEADER_OFFSET + offset(HEADER, "uid");
    private static final long GID = HEADER_OFFSET + offset(HEADER, "gid");
    private static final long COMM = HEADER_OFFSET + offset(HEADER, "comm");
    private static final long RET = offset(SYSCALL, "ret");
    private static final long ARGS = offset(SYSCALL, "args");
    private static final long FD_INODE = offset(SYSCALL, "fd_inode");
    private static final long NR = offset(SYSCALL, "nr");
    private static final long ABI = offset(SYSCALL, "abi");
    private static final long STRING_SIZE = offset(SYSCALL, "string_size");
    private static final long CGROUP_PARENT = offset(SYSCALL, "cgroup_parent");
    private static final long CGROUP_LEAF = offset(SYSCALL, "cgroup_leaf");
    private static final long STRINGS = offset(SYSCALL, "strings");

    /** Finds the container of a cgroup; see ContainerResolver.resolve(long, String). */
    @FunctionalInterface
    interface ContainerAttribution {
        ContainerInfo containerOf(long cgroupId, String kernelPath);
    }

    private final SyscallTable table;
    private final SyscallArguments arguments;
    private final ContainerAttribution attribution;
    private volatile long epochOffsetNanos;

    RecordDecoder(SyscallTable table, ContainerAttribution attribution) {
        this.table = table;
        this.arguments = new SyscallArguments(table.architecture());
        this.attribution = attribution;
    }

    /** Returns the container of a cgroup through the attribution given at construction. */
    ContainerInfo containerOf(long cgroupId, String kernelPath) {
        return attribution.containerOf(cgroupId, kernelPath);
    }

    /** Sets what to add to boot-time stamps to get nanoseconds since the Unix epoch. */
    void setEpochOffsetNanos(long offset) {
        epochOffsetNanos = offset;
    }

    /**
     * Decodes one record.
     *
     * @throws IllegalArgumentException if the record is shorter than syscall_record or has an
     *     unknown kind
     */
    SyscallEvent decode(MemorySegment record) {
        if (record.byteSize() < SYSCALL.byteSize()) {
            throw new IllegalArgumentException("syscall record needs " + SYSCALL.byteSize()
                    + " bytes, record has " + record.byteSize());
        }
        int kind = record.get(JAVA_INT_UNALIGNED, KIND);
        if (kind != RecordLayouts.KIND_SYSCALL) {
            throw new IllegalArgumentException("unknown record kind " + kind);
        }

        int number = record.get(JAVA_INT_UNALIGNED, NR);
        Abi abi = record.get(JAVA_INT_UNALIGNED, ABI) == 0 ? Abi.NATIVE : Abi.COMPAT;
        String name = table.name(abi, number);
        List<Long> args = new ArrayList<>(SYSCALL_ARGS);
        for (int i = 0; i < SYSCALL_ARGS; i++) {
            args.add(record.get(JAVA_LONG_UNALIGNED, ARGS + (long) i * Long.BYTES));
        }
        SyscallArguments.Call call = new SyscallArguments.Call(args, strings(record),
                record.get(JAVA_LONG_UNALIGNED, FD_INODE));
        long result = record.get(JAVA_LONG_UNALIGNED, RET);

        EventHeader header = header(record);
        String cgroupPath = cgroupPath(string(record, CGROUP_PARENT, CGROUP_NAME_SIZE),
                string(record, CGROUP_LEAF, CGROUP_NAME_SIZE));
        return new SyscallEvent(header, attribution.containerOf(header.cgroupId(), cgroupPath),
                number, name, args, arguments.decode(name, call), result,
                ErrnoNames.ofResult(result));
    }

    /** Joins the two cgroup names read in the kernel as "parent/leaf", skipping empty ones. */
    static String cgroupPath(String parent, String leaf) {
        if (leaf.isEmpty()) {
            return "";
        }
        if (parent.isEmpty() || parent.equals("/")) {
            return leaf;
        }
        return parent + "/" + leaf;
    }

    private EventHeader header(MemorySegment record) {
        return new EventHeader(
                record.get(JAVA_LONG_UNALIGNED, BOOT_NS) + epochOffsetNanos,
                record.get(JAVA_LONG_UNALIGNED, CGROUP_ID),
                record.get(JAVA_INT_UNALIGNED, PID),
                record.get(JAVA_INT_UNALIGNED, TID),
                record.get(JAVA_INT_UNALIGNED, PPID),
                record.get(JAVA_INT_UNALIGNED, UID),
                record.get(JAVA_INT_UNALIGNED, GID),
                string(record, COMM, RecordLayouts.TASK_COMM_SIZE));
    }

    private static List<String> strings(MemorySegment record) {
        List<String> strings = new ArrayList<>(STRING_SLOTS);
        for (int slot = 0; slot < STRING_SLOTS; slot++) {
            int size = record.get(JAVA_INT_UNALIGNED, STRING_SIZE + (long) slot * Integer.BYTES);
            long start = STRINGS + (long) slot * ARG_STRING_SIZE;
            strings.add(size <= 0 ? "" : string(record, start, Math.min(size, ARG_STRING_SIZE)));
        }
        return strings;
    }

    static String string(MemorySegment record, long offset, int capacity) {
        long end = offset;
        long limit = offset + capacity;
        while (end < limit && record.get(JAVA_BYTE, end) != 0) {
            end++;
        }
        byte[] bytes = record.asSlice(offset, end - offset).toArray(JAVA_BYTE);
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
