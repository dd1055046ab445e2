package org.tarsier.probe.tcp.internal;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;

/**
 * Java layouts of the structs in tcp.h. RecordLayoutBtfTest checks them against the BTF of the
 * compiled object, so a change on one side without the other fails the build.
 */
final class RecordLayouts {

    static final int TASK_COMM_SIZE = 16;
    static final int CGROUP_NAME_SIZE = 128;
    static final int ADDRESS_SIZE = 16;

    /** Record kinds (enum record_kind): the ordinal of the TcpOperation plus one. */
    static final int KIND_CONNECT = 1;
    static final int KIND_STATE = 5;

    /** The task fields are zero because the kernel recorded no owner for the socket. */
    static final int RECORD_OWNER_UNKNOWN = 1;
    /** The kernel could not tell container from host. */
    static final int RECORD_CONTAINER_UNKNOWN = 1 << 1;
    /** connect(2) failed before the handshake started. */
    static final int RECORD_SYSCALL_RESULT = 1 << 2;

    static final int AF_INET = 2;
    static final int AF_INET6 = 10;

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

    static final StructLayout TCP = MemoryLayout.structLayout(
            HEADER.withName("header"),
            JAVA_LONG.withName("bytes_acked"),
            JAVA_LONG.withName("bytes_received"),
            JAVA_LONG.withName("duration_ns"),
            JAVA_INT.withName("result"),
            JAVA_INT.withName("flags"),
            JAVA_SHORT.withName("family"),
            JAVA_SHORT.withName("local_port"),
            JAVA_SHORT.withName("remote_port"),
            JAVA_BYTE.withName("old_state"),
            JAVA_BYTE.withName("new_state"),
            MemoryLayout.sequenceLayout(ADDRESS_SIZE, JAVA_BYTE).withName("local_address"),
            MemoryLayout.sequenceLayout(ADDRESS_SIZE, JAVA_BYTE).withName("remote_address"),
            MemoryLayout.sequenceLayout(CGROUP_NAME_SIZE, JAVA_BYTE).withName("cgroup_parent"),
            MemoryLayout.sequenceLayout(CGROUP_NAME_SIZE, JAVA_BYTE).withName("cgroup_leaf"))
            .withName("tcp_record");

    static final StructLayout SETTINGS = MemoryLayout.structLayout(
            JAVA_INT.withName("host"),
            JAVA_INT.withName("states"))
            .withName("tcp_settings");

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
