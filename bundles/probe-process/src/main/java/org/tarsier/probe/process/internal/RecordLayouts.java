package org.tarsier.probe.process.internal;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;

/**
 * Java layouts of the records in process.h. RecordLayoutBtfTest checks them against the BTF of
 * the compiled object, so a change on one side without the other fails the build.
 */
final class RecordLayouts {

    static final int TASK_COMM_SIZE = 16;
    static final int CGROUP_NAME_SIZE = 128;
    static final int FILENAME_SIZE = 512;
    static final int CWD_SIZE = 768;
    static final int ARGS_BUFFER_SIZE = 8192;

    /** Upper bound of the max_args tunable (ARGS_COUNT_LIMIT). */
    static final int ARGS_COUNT_LIMIT = 64;
    /** Upper bound of the max_args_bytes tunable (ARGS_LIMIT). */
    static final int ARGS_LIMIT = 4096;

    static final int KIND_EXEC = 1;
    static final int KIND_FORK = 2;
    static final int KIND_EXIT = 3;

    static final int EXEC_ARGV_TRUNCATED = 1;
    static final int EXEC_CWD_TRUNCATED = 1 << 1;
    static final int EXEC_FILENAME_TRUNCATED = 1 << 2;

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

    static final StructLayout EXEC = MemoryLayout.structLayout(
            HEADER.withName("header"),
            JAVA_INT.withName("flags"),
            JAVA_INT.withName("argc"),
            JAVA_INT.withName("args_size"),
            JAVA_INT.withName("cwd_size"),
            MemoryLayout.sequenceLayout(CGROUP_NAME_SIZE, JAVA_BYTE).withName("cgroup_parent"),
            MemoryLayout.sequenceLayout(CGROUP_NAME_SIZE, JAVA_BYTE).withName("cgroup_leaf"),
            MemoryLayout.sequenceLayout(FILENAME_SIZE, JAVA_BYTE).withName("filename"),
            MemoryLayout.sequenceLayout(CWD_SIZE, JAVA_BYTE).withName("cwd"),
            MemoryLayout.sequenceLayout(ARGS_BUFFER_SIZE, JAVA_BYTE).withName("args"))
            .withName("exec_record");

    static final StructLayout FORK = MemoryLayout.structLayout(
            HEADER.withName("header"),
            JAVA_INT.withName("child_pid"),
            JAVA_INT.withName("child_tid"))
            .withName("fork_record");

    static final StructLayout EXIT = MemoryLayout.structLayout(
            HEADER.withName("header"),
            JAVA_INT.withName("exit_status"),
            JAVA_INT.withName("reserved"),
            JAVA_LONG.withName("lifetime_ns"))
            .withName("exit_record");

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
