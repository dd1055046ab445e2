package org.tarsier.probe.tcp.internal;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;
import static org.tarsier.probe.tcp.internal.RecordLayouts.TCP;
import static org.tarsier.probe.tcp.internal.RecordLayouts.headerOffset;
import static org.tarsier.probe.tcp.internal.RecordLayouts.offset;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;

import org.tarsier.api.container.ContainerInfo;
import org.tarsier.api.event.EventHeader;
import org.tarsier.api.event.TcpEvent;
import org.tarsier.api.event.TcpOperation;

/**
 * Decodes ring-buffer records laid out as in tcp.h into {@link TcpEvent}s. Reads use unaligned
 * accessors, so records in heap byte arrays decode like records in the ring buffer.
 *
 * <p>The kernel filters host sockets out unless the host setting is on, except where it cannot
 * tell container from host: those records carry a flag, and the decoder drops them when the
 * container resolver names the host.
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

    private static final long BYTES_ACKED = offset(TCP, "bytes_acked");
    private static final long BYTES_RECEIVED = offset(TCP, "bytes_received");
    private static final long DURATION = offset(TCP, "duration_ns");
    private static final long RESULT = offset(TCP, "result");
    private static final long FLAGS = offset(TCP, "flags");
    private static final long FAMILY = offset(TCP, "family");
    private static final long LOCAL_PORT = offset(TCP, "local_port");
    private static final long REMOTE_PORT = offset(TCP, "remote_port");
    private static final long OLD_STATE = offset(TCP, "old_state");
    private static final long NEW_STATE = offset(TCP, "new_state");
    private static final long LOCAL_ADDRESS = offset(TCP, "local_address");
    private static final long REMOTE_ADDRESS = offset(TCP, "remote_address");
    private static final long CGROUP_PARENT = offset(TCP, "cgroup_parent");
    private static final long CGROUP_LEAF = offset(TCP, "cgroup_leaf");

    private static final TcpOperation[] OPERATIONS = TcpOperation.values();

    /** Finds the container of a cgroup; see ContainerResolver.resolve(long, String). */
    @FunctionalInterface
    interface ContainerAttribution {
        ContainerInfo containerOf(long cgroupId, String kernelPath);
    }

    private final ContainerAttribution attribution;
    private volatile long epochOffsetNanos;
    private volatile boolean hostIncluded;

    RecordDecoder(ContainerAttribution attribution) {
        this.attribution = attribution;
    }

    /** Sets what to add to boot-time stamps to get nanoseconds since the Unix epoch. */
    void setEpochOffsetNanos(long offset) {
        epochOffsetNanos = offset;
    }

    /** Sets whether events of host sockets pass; the kernel's filter has the same setting. */
    void setHostIncluded(boolean included) {
        hostIncluded = included;
    }

    /**
     * Decodes one record.
     *
     * @return the event, or empty when it belongs to the host and host events are excluded
     * @throws IllegalArgumentException if the record is shorter than a tcp_record or has an
     *     unknown kind
     */
    Optional<TcpEvent> decode(MemorySegment record) {
        if (record.byteSize() < TCP.byteSize()) {
            throw new IllegalArgumentException("tcp record needs " + TCP.byteSize()
                    + " bytes, record has " + record.byteSize());
        }
        TcpOperation operation = operationOf(record.get(JAVA_INT_UNALIGNED, KIND));
        int flags = record.get(JAVA_INT_UNALIGNED, FLAGS);
        EventHeader header = header(record);
        String cgroupPath = cgroupPath(
                string(record, CGROUP_PARENT, RecordLayouts.CGROUP_NAME_SIZE),
                string(record, CGROUP_LEAF, RecordLayouts.CGROUP_NAME_SIZE));
        ContainerInfo container = attribution.containerOf(header.cgroupId(), cgroupPath);
        boolean kernelUndecided = (flags & RecordLayouts.RECORD_CONTAINER_UNKNOWN) != 0;
        if (kernelUndecided && container.isHost() && !hostIncluded) {
            return Optional.empty();
        }
        return Optional.of(event(record, operation, header, container));
    }

    private TcpEvent event(MemorySegment record, TcpOperation operation, EventHeader header,
            ContainerInfo container) {
        Endpoints endpoints = Endpoints.of(record);
        int result = record.get(JAVA_INT_UNALIGNED, RESULT);
        boolean listen = operation == TcpOperation.LISTEN;
        boolean state = operation == TcpOperation.STATE;
        boolean close = operation == TcpOperation.CLOSE;
        return new TcpEvent(
                header,
                container,
                operation,
                endpoints.family(),
                endpoints.localAddress(),
                endpoints.localPort(),
                listen ? "" : endpoints.remoteAddress(),
                listen ? 0 : endpoints.remotePort(),
                result,
                result < 0 ? TcpNames.errno(-result) : "",
                state ? TcpNames.state(record.get(JAVA_BYTE, OLD_STATE) & 0xFF) : "",
                state ? TcpNames.state(record.get(JAVA_BYTE, NEW_STATE) & 0xFF) : "",
                close ? record.get(JAVA_LONG_UNALIGNED, BYTES_ACKED) : 0,
                close ? record.get(JAVA_LONG_UNALIGNED, BYTES_RECEIVED) : 0,
                close ? Math.max(0, record.get(JAVA_LONG_UNALIGNED, DURATION)) : 0);
    }

    private static TcpOperation operationOf(int kind) {
        if (kind < RecordLayouts.KIND_CONNECT || kind > OPERATIONS.length) {
            throw new IllegalArgumentException("unknown tcp record kind " + kind);
        }
        return OPERATIONS[kind - RecordLayouts.KIND_CONNECT];
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

    private static String string(MemorySegment record, long offset, int capacity) {
        long end = offset;
        long limit = offset + capacity;
        while (end < limit && record.get(JAVA_BYTE, end) != 0) {
            end++;
        }
        byte[] bytes = record.asSlice(offset, end - offset).toArray(JAVA_BYTE);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /**
     * Family, addresses and ports of a record, with IPv4 connections on dual-stack IPv6 sockets
     * shown as IPv4. An unspecified remote end with port 0 is shown as an empty address.
     */
    private record Endpoints(int family, String localAddress, int localPort,
            String remoteAddress, int remotePort) {

        static Endpoints of(MemorySegment record) {
            int addressFamily = record.get(JAVA_SHORT_UNALIGNED, FAMILY) & 0xFFFF;
            byte[] local = bytes(record, LOCAL_ADDRESS, RecordLayouts.ADDRESS_SIZE);
            byte[] remote = bytes(record, REMOTE_ADDRESS, RecordLayouts.ADDRESS_SIZE);
            int localPort = record.get(JAVA_SHORT_UNALIGNED, LOCAL_PORT) & 0xFFFF;
            int remotePort = record.get(JAVA_SHORT_UNALIGNED, REMOTE_PORT) & 0xFFFF;

            int family = 6;
            if (addressFamily == RecordLayouts.AF_INET) {
                family = 4;
                local = Arrays.copyOf(local, 4);
                remote = Arrays.copyOf(remote, 4);
            } else if (Addresses.isIpv4Pair(local, remote)) {
                family = 4;
                local = Addresses.ipv4Of(local);
                remote = Addresses.ipv4Of(remote);
            }
            boolean noPeer = remotePort == 0 && Addresses.isUnspecified(remote);
            return new Endpoints(family, Addresses.format(local), localPort,
                    noPeer ? "" : Addresses.format(remote), remotePort);
        }

        private static byte[] bytes(MemorySegment record, long offset, int size) {
            return record.asSlice(offset, size).toArray(JAVA_BYTE);
        }
    }
}
