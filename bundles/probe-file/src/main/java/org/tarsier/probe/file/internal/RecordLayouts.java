package org.tarsier.probe.file.internal;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;

/**
 * Java layouts of the records and filter map values in file.h. RecordLayoutBtfTest checks them
 * against the BTF of the compiled object, so a change on one side without the other fails the
 * build.
 */
final class RecordLayouts {

    static final int TASK_COMM_SIZE = 16;
    static final int CGROUP_NAME_SIZE = 128;
    static final int RECORD_DATA_SIZE = 16384;

    /** Bytes of one path in a record, including its NUL (PATH_MAX_SIZE). */
    static final int PATH_MAX_SIZE = 8191;
    /** Entries of each prefix list (PREFIX_COUNT_LIMIT). */
    static final int PREFIX_COUNT_LIMIT = 16;
    /** Bytes of a prefix (PREFIX_SIZE); a prefix has at most one byte less. */
    static final int PREFIX_SIZE = 256;

    static final int KIND_FILE = 1;

    static final int FILE_PATH_TRUNCATED = 1;
    static final int FILE_TARGET_TRUNCATED = 1 << 1;
    static final int FILE_PATH_UNRESOLVED = 1 << 2;
    static final int FILE_TARGET_UNRESOLVED = 1 << 3;
    static final int FILE_IN_CONTAINER = 1 << 4;
    static final int FILE_PATH_RESOLVED = 1 << 5;

    static final StructLayout HEADER = MemoryLayout.structLayout(
            JAVA_LONG.withName("boot_ns"),
            JAVA_LONG.withName("cgroup_id"),
            JAVA_INT.withName("kind"),
            JAVA_INT.withName("pid"),
            JAVA_INT.withName("tid"),
            JAVA_INT.withName("ppid"),
            JAVA_INT.withName("uid"),
            JAVA_INT.withName("gid"),
            MemoryLayout.sequenceLayout(TASK_COMM_SIZE, JAVA_BYTE).withName("comm"))
            .withName("record_header");

    static final StructLayout FILE = MemoryLayout.structLayout(
            HEADER.withName("header"),
            JAVA_INT.withName("operation"),
            JAVA_INT.withName("flags"),
            JAVA_INT.withName("mode"),
            JAVA_INT.withName("owner_uid"),
            JAVA_INT.withName("owner_gid"),
            JAVA_INT.withName("record_flags"),
            JAVA_LONG.withName("result"),
            JAVA_INT.withName("path_size"),
            JAVA_INT.withName("target_size"),
            MemoryLayout.sequenceLayout(CGROUP_NAME_SIZE, JAVA_BYTE).withName("cgroup_parent"),
            MemoryLayout.sequenceLayout(CGROUP_NAME_SIZE, JAVA_BYTE).withName("cgroup_leaf"),
            MemoryLayout.sequenceLayout(RECORD_DATA_SIZE, JAVA_BYTE).withName("data"))
            .withName("file_record");

    static final StructLayout CONFIG = MemoryLayout.structLayout(
            JAVA_INT.withName("containers_only"),
            JAVA_INT.withName("write_opens_only"),
            JAVA_INT.withName("include_count"),
            JAVA_INT.withName("exclude_count"),
            JAVA_INT.withName("host_mnt_ns"),
            JAVA_INT.withName("self_tgid"),
            JAVA_INT.withName("sensitive_count"),
            MemoryLayout.paddingLayout(4),
            MemoryLayout.sequenceLayout(4, JAVA_LONG).withName("sensitive_second"))
            .withName("file_config");

    static final StructLayout PREFIX = MemoryLayout.structLayout(
            JAVA_INT.withName("length"),
            JAVA_INT.withName("star"),
            MemoryLayout.sequenceLayout(PREFIX_SIZE, JAVA_BYTE).withName("bytes"))
            .withName("path_prefix");

    private RecordLayouts() {
    }

    /** Returns the byte offset of a top-level member. */
    static long offset(StructLayout layout, String member) {
        return layout.byteOffset(groupElement(member));
    }

    /** Returns the byte offset of a header member inside a record. */
    static long headerOffset(String member) {
        return HEADER.byteOffset(groupElement(member));
    }
}
