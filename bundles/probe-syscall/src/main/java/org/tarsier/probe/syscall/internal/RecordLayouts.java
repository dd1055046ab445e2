package org.tarsier.probe.syscall.internal;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;

/**
 * Java layouts of the structs in syscall.h. RecordLayoutBtfTest checks them against the BTF of the
 * compiled object, so a change on one side without the other fails the build.
 */
final class RecordLayouts {

    static final int TASK_COMM_SIZE = 16;
    static final int CGROUP_NAME_SIZE = 128;
    static final int ARG_STRING_SIZE = 256;
    static final int STRING_SLOTS = 3;
    static final int SYSCALL_ARGS = 6;
    static final int SYSCALL_NR_LIMIT = 1024;

    static final int KIND_SYSCALL = 1;
    static final int FLAG_ENTER_SEEN = 1;

    static final byte SLOT_NONE = 0;
    static final byte SLOT_USER_STRING = 1;
    static final byte SLOT_FD_NAME = 2;
    static final byte SLOT_MODULE_IMAGE = 3;

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

    static final StructLayout SYSCALL = MemoryLayout.structLayout(
            HEADER.withName("header"),
            JAVA_LONG.withName("enter_ns"),
            JAVA_LONG.withName("ret"),
            MemoryLayout.sequenceLayout(SYSCALL_ARGS, JAVA_LONG).withName("args"),
            JAVA_LONG.withName("fd_inode"),
            JAVA_INT.withName("nr"),
            JAVA_INT.withName("abi"),
            JAVA_INT.withName("flags"),
            MemoryLayout.sequenceLayout(STRING_SLOTS, JAVA_INT).withName("string_size"),
            MemoryLayout.sequenceLayout(CGROUP_NAME_SIZE, JAVA_BYTE).withName("cgroup_parent"),
            MemoryLayout.sequenceLayout(CGROUP_NAME_SIZE, JAVA_BYTE).withName("cgroup_leaf"),
            MemoryLayout.sequenceLayout(STRING_SLOTS,
                    MemoryLayout.sequenceLayout(ARG_STRING_SIZE, JAVA_BYTE)).withName("strings"))
            .withName("syscall_record");

    static final StructLayout COUNT_KEY = MemoryLayout.structLayout(
            JAVA_LONG.withName("cgroup_id"),
            JAVA_INT.withName("nr"),
            JAVA_INT.withName("abi"))
            .withName("count_key");

    static final StructLayout SPEC = MemoryLayout.structLayout(
            JAVA_BYTE.withName("selected"),
            MemoryLayout.sequenceLayout(STRING_SLOTS, JAVA_BYTE).withName("slot_kind"),
            MemoryLayout.sequenceLayout(STRING_SLOTS, JAVA_BYTE).withName("slot_arg"),
            JAVA_BYTE.withName("reserved"))
            .withName("syscall_spec");

    static final StructLayout CONFIG = MemoryLayout.structLayout(
            JAVA_INT.withName("include_host"),
            JAVA_INT.withName("generation"))
            .withName("probe_config");

    static final StructLayout CGROUP_NAMES = MemoryLayout.structLayout(
            MemoryLayout.sequenceLayout(CGROUP_NAME_SIZE, JAVA_BYTE).withName("parent"),
            MemoryLayout.sequenceLayout(CGROUP_NAME_SIZE, JAVA_BYTE).withName("leaf"))
            .withName("cgroup_names");

    private RecordLayouts() {
    }

    /** Returns the byte offset of a top-level member. */
    static long offset(StructLayout layout, String member) {
        return layout.byteOffset(groupElement(member));
    }
}
