package org.tarsier.probe.process.internal;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;
import static org.tarsier.probe.process.internal.RecordLayouts.EXEC;
import static org.tarsier.probe.process.internal.RecordLayouts.EXIT;
import static org.tarsier.probe.process.internal.RecordLayouts.FORK;
import static org.tarsier.probe.process.internal.RecordLayouts.HEADER;
import static org.tarsier.probe.process.internal.RecordLayouts.headerOffset;
import static org.tarsier.probe.process.internal.RecordLayouts.offset;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.tarsier.api.container.ContainerInfo;
import org.tarsier.api.event.Event;
import org.tarsier.api.event.EventHeader;
import org.tarsier.api.event.ExecEvent;
import org.tarsier.api.event.ExitEvent;
import org.tarsier.api.event.ForkEvent;

/**
 * Decodes ring-buffer records laid out as in process.h into api events. Reads use unaligned
 * accessors, so records in heap byte arrays decode like records in the ring buffer.
 */
final class RecordDecoder {

    /** Prefix of a working directory whose outer components were cut at the walk's bound. */
    static final String CUT_PATH_PREFIX = "...";

    private static final long BOOT_NS = headerOffset("boot_ns");
    private static final long CGROUP_ID = headerOffset("cgroup_id");
    private static final long KIND = headerOffset("kind");
    private static final long PID = headerOffset("pid");
    private static final long TID = headerOffset("tid");
    private static final long PPID = headerOffset("ppid");
    private static final long UID = headerOffset("uid");
    private static final long GID = headerOffset("gid");
    private static final long COMM = headerOffset("comm");

    private static final long EXEC_FLAGS = offset(EXEC, "flags");
    private static final long EXEC_ARGC = offset(EXEC, "argc");
    private static final long EXEC_ARGS_SIZE = offset(EXEC, "args_size");
    private static final long EXEC_CWD_SIZE = offset(EXEC, "cwd_size");
    private static final long EXEC_CGROUP_PARENT = offset(EXEC, "cgroup_parent");
    private static final long EXEC_CGROUP_LEAF = offset(EXEC, "cgroup_leaf");
    private static final long EXEC_FILENAME = offset(EXEC, "filename");
    private static final long EXEC_CWD = offset(EXEC, "cwd");
    private static final long EXEC_ARGS = offset(EXEC, "args");

    private static final long FORK_CHILD_PID = offset(FORK, "child_pid");
    private static final long FORK_CHILD_TID = offset(FORK, "child_tid");

    private static final long EXIT_STATUS = offset(EXIT, "exit_status");
    private static final long EXIT_LIFETIME = offset(EXIT, "lifetime_ns");

    /** Finds the container of a cgroup; see ContainerResolver.resolve(long, String). */
    @FunctionalInterface
    interface ContainerAttribution {
        ContainerInfo containerOf(long cgroupId, String kernelPath);
    }

    private final ContainerAttribution attribution;
    private volatile long epochOffsetNanos;

    RecordDecoder(ContainerAttribution attribution) {
        this.attribution = attribution;
    }

    /** Sets what to add to boot-time stamps to get nanoseconds since the Unix epoch. */
    void setEpochOffsetNanos(long offset) {
        epochOffsetNanos = offset;
    }

    /**
     * Decodes one record.
     *
     * @throws IllegalArgumentException if the record is shorter than its kind requires or has
     *     an unknown kind
     */
    Event decode(MemorySegment record) {
        requireSize(record, HEADER.byteSize(), "record header");
        int kind = record.get(JAVA_INT_UNALIGNED, KIND);
        return switch (kind) {
            case RecordLayouts.KIND_EXEC -> decodeExec(record);
            case RecordLayouts.KIND_FORK -> decodeFork(record);
            case RecordLayouts.KIND_EXIT -> decodeExit(record);
            default -> throw new IllegalArgumentException("unknown record kind " + kind
                    + " in a record of " + record.byteSize() + " bytes");
        };
    }

    private ExecEvent decodeExec(MemorySegment record) {
        requireSize(record, EXEC_ARGS, "exec record");
        int flags = record.get(JAVA_INT_UNALIGNED, EXEC_FLAGS);
        int argc = record.get(JAVA_INT_UNALIGNED, EXEC_ARGC);
        int argsSize = record.get(JAVA_INT_UNALIGNED, EXEC_ARGS_SIZE);
        int cwdSize = Math.min(record.get(JAVA_INT_UNALIGNED, EXEC_CWD_SIZE),
                RecordLayouts.CWD_SIZE);
        requireSize(record, EXEC_ARGS + argsSize, "exec record with its arguments");

        String cgroupPath = cgroupPath(
                string(record, EXEC_CGROUP_PARENT, RecordLayouts.CGROUP_NAME_SIZE),
                string(record, EXEC_CGROUP_LEAF, RecordLayouts.CGROUP_NAME_SIZE));
        EventHeader header = header(record);
        return new ExecEvent(
                header,
                attribution.containerOf(header.cgroupId(), cgroupPath),
                string(record, EXEC_FILENAME, RecordLayouts.FILENAME_SIZE),
                strings(record.asSlice(EXEC_ARGS, argsSize), argc),
                (flags & RecordLayouts.EXEC_ARGV_TRUNCATED) != 0,
                cwd(strings(record.asSlice(EXEC_CWD, cwdSize), Integer.MAX_VALUE),
                        (flags & RecordLayouts.EXEC_CWD_TRUNCATED) != 0),
                cgroupPath);
    }

    private ForkEvent decodeFork(MemorySegment record) {
        requireSize(record, FORK.byteSize(), "fork record");
        EventHeader header = header(record);
        return new ForkEvent(header, attribution.containerOf(header.cgroupId(), ""),
                record.get(JAVA_INT_UNALIGNED, FORK_CHILD_PID),
                record.get(JAVA_INT_UNALIGNED, FORK_CHILD_TID));
    }

    private ExitEvent decodeExit(MemorySegment record) {
        requireSize(record, EXIT.byteSize(), "exit record");
        EventHeader header = header(record);
        int status = record.get(JAVA_INT_UNALIGNED, EXIT_STATUS);
        // The kernel's wait status: exit code in bits 8-15, signal in bits 0-6, core flag 0x80.
        int signal = status & 0x7F;
        int exitCode = signal == 0 ? (status >>> 8) & 0xFF : 0;
        return new ExitEvent(header, attribution.containerOf(header.cgroupId(), ""), exitCode,
                signal, Math.max(0, record.get(JAVA_LONG_UNALIGNED, EXIT_LIFETIME)));
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

    /** Builds a path from components listed innermost first. */
    static String cwd(List<String> innermostFirst, boolean truncated) {
        List<String> components = new ArrayList<>(innermostFirst);
        Collections.reverse(components);
        String joined = String.join("/", components);
        if (truncated) {
            return components.isEmpty() ? "" : CUT_PATH_PREFIX + "/" + joined;
        }
        return "/" + joined;
    }

    /** Splits NUL-terminated strings, at most {@code limit}; a last unterminated one counts. */
    static List<String> strings(MemorySegment area, int limit) {
        List<String> result = new ArrayList<>();
        long start = 0;
        long size = area.byteSize();
        for (long i = 0; i < size && result.size() < limit; i++) {
            if (area.get(JAVA_BYTE, i) == 0) {
                result.add(utf8(area, start, i - start));
                start = i + 1;
            }
        }
        if (start < size && result.size() < limit) {
            result.add(utf8(area, start, size - start));
        }
        return result;
    }

    private static String string(MemorySegment record, long offset, int capacity) {
        long end = offset;
        long limit = offset + capacity;
        while (end < limit && record.get(JAVA_BYTE, end) != 0) {
            end++;
        }
        return utf8(record, offset, end - offset);
    }

    private static String utf8(MemorySegment segment, long offset, long length) {
        byte[] bytes = segment.asSlice(offset, length).toArray(JAVA_BYTE);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static void requireSize(MemorySegment record, long size, String part) {
        if (record.byteSize() < size) {
            throw new IllegalArgumentException(part + " needs " + size + " bytes, record has "
                    + record.byteSize());
        }
    }
}
