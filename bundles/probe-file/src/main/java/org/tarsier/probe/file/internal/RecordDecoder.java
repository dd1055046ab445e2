package org.tarsier.probe.file.internal;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;
import static org.tarsier.probe.file.internal.RecordLayouts.FILE;
import static org.tarsier.probe.file.internal.RecordLayouts.HEADER;
import static org.tarsier.probe.file.internal.RecordLayouts.headerOffset;
import static org.tarsier.probe.file.internal.RecordLayouts.offset;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;

import org.tarsier.api.container.ContainerInfo;
import org.tarsier.api.event.EventHeader;
import org.tarsier.api.event.FileEvent;
import org.tarsier.api.event.FileOperation;

/**
 * Decodes ring-buffer records laid out as in file.h into {@link FileEvent}s. It normalises
 * absolute paths (see {@link PathNames#normalize}) and leaves a symlink's content as given.
 * Reads use unaligned accessors, so records in heap byte arrays decode like records in the ring
 * buffer.
 */
final class RecordDecoder {

    private static final long BOOT_NS = headerOffset("boot_ns");
    private static final long CGROUP_ID = headerOffset("cgroup_id");
    private static final long KIND = headerOffset("kind");
    private static final long PID = headerOffset("pid");
    private static final long TID = headerOffset("tid");
    private static final long PPID = headerOffset("ppid");
    private static final long UID = headerOffset("uid");
    private static final long GID = headerOffset("gid");
    private static final long COMM = headerOffset("comm");

    private static final long OPERATION = offset(FILE, "operation");
    private static final long FLAGS = offset(FILE, "flags");
    private static final long MODE = offset(FILE, "mode");
    private static final long OWNER_UID = offset(FILE, "owner_uid");
    private static final long OWNER_GID = offset(FILE, "owner_gid");
    private static final long RECORD_FLAGS = offset(FILE, "record_flags");
    private static final long RESULT = offset(FILE, "result");
    private static final long PATH_SIZE = offset(FILE, "path_size");
    private static final long TARGET_SIZE = offset(FILE, "target_size");
    private static final long CGROUP_PARENT = offset(FILE, "cgroup_parent");
    private static final long CGROUP_LEAF = offset(FILE, "cgroup_leaf");
    private static final long DATA = offset(FILE, "data");

    private static final FileOperation[] OPERATIONS = FileOperation.values();

    /** Finds the container of a cgroup; see ContainerResolver.resolve(long, String). */
    @FunctionalInterface
    interface ContainerAttribution {
        ContainerInfo containerOf(long cgroupId, String kernelPath);
    }

    /**
     * A decoded record.
     *
     * @param event the event to post
     * @param recordFlags the record's FILE_* bits, which the user-space filter reads
     */
    record Decoded(FileEvent event, int recordFlags) {

        /** Returns whether the path is the opened file's and the target slot the given one. */
        boolean pathResolved() {
            return (recordFlags & RecordLayouts.FILE_PATH_RESOLVED) != 0;
        }

        /** Returns whether the task was outside the host's mount namespace. */
        boolean inContainer() {
            return (recordFlags & RecordLayouts.FILE_IN_CONTAINER) != 0;
        }

        /** Returns whether the kernel could not decide the path's place: cut or relative. */
        boolean pathUndecided() {
            return (recordFlags & (RecordLayouts.FILE_PATH_TRUNCATED
                    | RecordLayouts.FILE_PATH_UNRESOLVED)) != 0;
        }

        /** Returns whether the kernel could not decide the target's place: cut or relative. */
        boolean targetUndecided() {
            return (recordFlags & (RecordLayouts.FILE_TARGET_TRUNCATED
                    | RecordLayouts.FILE_TARGET_UNRESOLVED)) != 0;
        }
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
     * @throws IllegalArgumentException if the record is shorter than its sizes require or has
     *     an unknown kind or operation
     */
    Decoded decode(MemorySegment record) {
        requireSize(record, DATA, "file record");
        int kind = record.get(JAVA_INT_UNALIGNED, KIND);
        if (kind != RecordLayouts.KIND_FILE) {
            throw new IllegalArgumentException("unknown record kind " + kind + " in a record of "
                    + record.byteSize() + " bytes");
        }
        FileOperation operation = operation(record.get(JAVA_INT_UNALIGNED, OPERATION));
        int flags = record.get(JAVA_INT_UNALIGNED, RECORD_FLAGS);
        int pathSize = size(record, PATH_SIZE);
        int targetSize = size(record, TARGET_SIZE);
        requireSize(record, DATA + pathSize + targetSize, "file record with its paths");

        String path = path(string(record, DATA, pathSize),
                flags & RecordLayouts.FILE_PATH_TRUNCATED,
                flags & RecordLayouts.FILE_PATH_UNRESOLVED);
        String rawTarget = string(record, DATA + pathSize, targetSize);
        String target = operation == FileOperation.SYMLINK ? rawTarget
                : path(rawTarget, flags & RecordLayouts.FILE_TARGET_TRUNCATED,
                        flags & RecordLayouts.FILE_TARGET_UNRESOLVED);
        // a resolved open carries the path as given in the target's place
        String requested = path;
        if ((flags & RecordLayouts.FILE_PATH_RESOLVED) != 0) {
            requested = target;
            target = "";
        }
        String cgroupPath = cgroupPath(
                string(record, CGROUP_PARENT, RecordLayouts.CGROUP_NAME_SIZE),
                string(record, CGROUP_LEAF, RecordLayouts.CGROUP_NAME_SIZE));
        EventHeader header = header(record);
        long result = record.get(JAVA_LONG_UNALIGNED, RESULT);
        FileEvent event = new FileEvent(header,
                attribution.containerOf(header.cgroupId(), cgroupPath), operation, path, target,
                record.get(JAVA_INT_UNALIGNED, FLAGS), record.get(JAVA_INT_UNALIGNED, MODE),
                record.get(JAVA_INT_UNALIGNED, OWNER_UID),
                record.get(JAVA_INT_UNALIGNED, OWNER_GID), result, ErrnoNames.ofResult(result),
                requested);
        return new Decoded(event, flags);
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

    /** Normalises a kernel path; an unresolved (relative) or empty one stays as it is. */
    private static String path(String raw, int truncated, int unresolved) {
        if (raw.isEmpty() || unresolved != 0) {
            return raw;
        }
        return PathNames.normalize(raw, truncated != 0);
    }

    private static FileOperation operation(int value) {
        if (value < 1 || value > OPERATIONS.length) {
            throw new IllegalArgumentException("unknown file operation " + value);
        }
        return OPERATIONS[value - 1];
    }

    private static int size(MemorySegment record, long offset) {
        int size = record.get(JAVA_INT_UNALIGNED, offset);
        if (size < 0 || size > RecordLayouts.PATH_MAX_SIZE) {
            throw new IllegalArgumentException("path size " + size + " is out of range 0 to "
                    + RecordLayouts.PATH_MAX_SIZE);
        }
        return size;
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

    /** Reads a string of at most capacity bytes that ends at its first NUL, if any. */
    private static String string(MemorySegment record, long offset, int capacity) {
        long end = offset;
        long limit = offset + capacity;
        while (end < limit && record.get(JAVA_BYTE, end) != 0) {
            end++;
        }
        byte[] bytes = record.asSlice(offset, end - offset).toArray(JAVA_BYTE);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static void requireSize(MemorySegment record, long size, String part) {
        if (record.byteSize() < size) {
            throw new IllegalArgumentException(part + " needs " + size + " bytes, record has "
                    + record.byteSize());
        }
    }
}
