package org.tarsier.probe.tcp.internal;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tarsier.probe.tcp.internal.RecordLayouts.TCP;
import static org.tarsier.probe.tcp.internal.RecordLayouts.headerOffset;
import static org.tarsier.probe.tcp.internal.RecordLayouts.offset;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.tarsier.api.container.ContainerInfo;
import org.tarsier.api.event.TcpEvent;
import org.tarsier.api.event.TcpOperation;

class RecordDecoderTest {

    private static final String CONTAINER_ID = "a".repeat(64);
    private static final byte[] LOOPBACK = {127, 0, 0, 1};

    private final List<String> resolvedPaths = new ArrayList<>();
    private final RecordDecoder decoder = new RecordDecoder((cgroupId, path) -> {
        resolvedPaths.add(cgroupId + " " + path);
        return path.startsWith("docker/") ? ContainerInfo.ofId("docker", CONTAINER_ID)
                : ContainerInfo.HOST_INFO;
    });

    @Test
    void connectCarriesTaskEndpointsAndContainer() {
        MemorySegment record = record(1, 2).addresses(LOOPBACK, 40000, LOOPBACK, 8080)
                .task(42, 43, 1, 1000, 1001, "curl").cgroup(77, "docker", CONTAINER_ID).segment;
        decoder.setEpochOffsetNanos(1_000);

        TcpEvent event = decoder.decode(record).orElseThrow();

        assertEquals(TcpOperation.CONNECT, event.operation());
        assertEquals(4, event.family());
        assertEquals("127.0.0.1", event.localAddress());
        assertEquals(40000, event.localPort());
        assertEquals("127.0.0.1", event.remoteAddress());
        assertEquals(8080, event.remotePort());
        assertEquals(0, event.result());
        assertEquals("", event.error());
        assertEquals(42, event.header().pid());
        assertEquals(43, event.header().tid());
        assertEquals(1000, event.header().uid());
        assertEquals(1001, event.header().gid());
        assertEquals("curl", event.header().comm());
        assertEquals(77, event.header().cgroupId());
        assertEquals(1_000 + 5_000, event.header().timeNanos());
        assertEquals(CONTAINER_ID, event.container().id());
        assertEquals(List.of("77 docker/" + CONTAINER_ID), resolvedPaths);
        assertEquals("", event.oldState());
    }

    @Test
    void failedConnectNamesErrno() {
        MemorySegment record = record(1, 2).addresses(LOOPBACK, 40000, LOOPBACK, 9)
                .result(-111).segment;

        TcpEvent event = decoder.decode(record).orElseThrow();

        assertTrue(event.failed(), "failed");
        assertEquals(-111, event.result());
        assertEquals("ECONNREFUSED", event.error());
    }

    @Test
    void unknownErrnoKeepsNumber() {
        MemorySegment record = record(1, 2).addresses(LOOPBACK, 1, LOOPBACK, 2)
                .result(-4095).segment;

        assertEquals("ERRNO_4095", decoder.decode(record).orElseThrow().error());
    }

    @Test
    void listenHasNoRemoteEnd() {
        MemorySegment record = record(3, 2).addresses(LOOPBACK, 8080, new byte[4], 0).segment;

        TcpEvent event = decoder.decode(record).orElseThrow();

        assertEquals(TcpOperation.LISTEN, event.operation());
        assertEquals("", event.remoteAddress());
        assertEquals(0, event.remotePort());
    }

    @Test
    void closeCarriesBytesAndDuration() {
        MemorySegment record = record(4, 2).addresses(LOOPBACK, 1, LOOPBACK, 2).segment;
        record.set(JAVA_LONG_UNALIGNED, offset(TCP, "bytes_acked"), 1002);
        record.set(JAVA_LONG_UNALIGNED, offset(TCP, "bytes_received"), 11);
        record.set(JAVA_LONG_UNALIGNED, offset(TCP, "duration_ns"), 123_456);

        TcpEvent event = decoder.decode(record).orElseThrow();

        assertEquals(1002, event.bytesSent());
        assertEquals(11, event.bytesReceived());
        assertEquals(123_456, event.durationNanos());
    }

    @Test
    void bytesOfOtherOperationsAreZero() {
        MemorySegment record = record(2, 2).addresses(LOOPBACK, 1, LOOPBACK, 2).segment;
        record.set(JAVA_LONG_UNALIGNED, offset(TCP, "bytes_acked"), 5);

        assertEquals(0, decoder.decode(record).orElseThrow().bytesSent());
    }

    @Test
    void stateCarriesStateNames() {
        MemorySegment record = record(5, 2).addresses(LOOPBACK, 1, LOOPBACK, 2).states(2, 1)
                .segment;

        TcpEvent event = decoder.decode(record).orElseThrow();

        assertEquals(TcpOperation.STATE, event.operation());
        assertEquals("SYN_SENT", event.oldState());
        assertEquals("ESTABLISHED", event.newState());
    }

    @Test
    void stateNamesCoverEveryKernelState() {
        assertEquals("CLOSE", TcpNames.state(7));
        assertEquals("NEW_SYN_RECV", TcpNames.state(12));
        assertEquals("BOUND_INACTIVE", TcpNames.state(13));
        assertEquals("STATE_14", TcpNames.state(14));
        assertEquals("STATE_0", TcpNames.state(0));
    }

    @Test
    void ipv6IsCompressed() throws Exception {
        byte[] loopback6 = java.net.InetAddress.getByName("::1").getAddress();
        MemorySegment record = record(1, 10).addresses(loopback6, 40000, loopback6, 8080)
                .segment;

        TcpEvent event = decoder.decode(record).orElseThrow();

        assertEquals(6, event.family());
        assertEquals("::1", event.localAddress());
        assertEquals("::1", event.remoteAddress());
    }

    @Test
    void ipv4MappedIsShownAsIpv4() {
        byte[] mapped = AddressesTest.mapped(127, 0, 0, 1);
        MemorySegment record = record(2, 10).addresses(mapped, 8080, mapped, 40000).segment;

        TcpEvent event = decoder.decode(record).orElseThrow();

        assertEquals(4, event.family());
        assertEquals("127.0.0.1", event.localAddress());
        assertEquals("127.0.0.1", event.remoteAddress());
    }

    @Test
    void dualStackListenerStaysIpv6() {
        MemorySegment record = record(3, 10).addresses(new byte[16], 8080, new byte[16], 0)
                .segment;

        TcpEvent event = decoder.decode(record).orElseThrow();

        assertEquals(6, event.family());
        assertEquals("::", event.localAddress());
    }

    @Test
    void undecidedHostRecordIsDroppedUnlessHostIncluded() {
        MemorySegment record = record(4, 2).addresses(LOOPBACK, 1, LOOPBACK, 2)
                .flags(RecordLayouts.RECORD_OWNER_UNKNOWN
                        | RecordLayouts.RECORD_CONTAINER_UNKNOWN)
                .cgroup(1, "", "init.scope").segment;

        boolean droppedWithoutHost = decoder.decode(record).isEmpty();
        decoder.setHostIncluded(true);
        boolean keptWithHost = decoder.decode(record).isPresent();

        assertTrue(droppedWithoutHost, "dropped while host events are excluded");
        assertTrue(keptWithHost, "kept while host events are included");
    }

    @Test
    void undecidedContainerRecordIsKept() {
        MemorySegment record = record(4, 2).addresses(LOOPBACK, 1, LOOPBACK, 2)
                .flags(RecordLayouts.RECORD_CONTAINER_UNKNOWN)
                .cgroup(9, "docker", CONTAINER_ID).segment;

        TcpEvent event = decoder.decode(record).orElseThrow();

        assertEquals(CONTAINER_ID, event.container().id());
    }

    @Test
    void hostRecordDecidedByKernelIsKept() {
        MemorySegment record = record(4, 2).addresses(LOOPBACK, 1, LOOPBACK, 2)
                .cgroup(1, "", "init.scope").segment;

        assertTrue(decoder.decode(record).orElseThrow().container().isHost(), "host");
    }

    @Test
    void cgroupPathSkipsEmptyAndRootParents() {
        assertEquals("docker/x", RecordDecoder.cgroupPath("docker", "x"));
        assertEquals("init.scope", RecordDecoder.cgroupPath("/", "init.scope"));
        assertEquals("x", RecordDecoder.cgroupPath("", "x"));
        assertEquals("", RecordDecoder.cgroupPath("docker", ""));
    }

    @Test
    void shortRecordIsRejected() {
        MemorySegment record = MemorySegment.ofArray(new byte[(int) TCP.byteSize() - 1]);

        assertThrows(IllegalArgumentException.class, () -> decoder.decode(record));
    }

    @Test
    void unknownKindIsRejected() {
        MemorySegment zero = record(0, 2).segment;
        MemorySegment six = record(6, 2).segment;

        assertThrows(IllegalArgumentException.class, () -> decoder.decode(zero));
        assertThrows(IllegalArgumentException.class, () -> decoder.decode(six));
    }

    private static RecordBuilder record(int kind, int family) {
        return new RecordBuilder(kind, family);
    }

    /** Writes a tcp_record into a heap segment, as the kernel lays it out. */
    private static final class RecordBuilder {

        final MemorySegment segment = MemorySegment.ofArray(new byte[(int) TCP.byteSize()]);

        RecordBuilder(int kind, int family) {
            segment.set(JAVA_INT_UNALIGNED, headerOffset("kind"), kind);
            segment.set(JAVA_LONG_UNALIGNED, headerOffset("boot_ns"), 5_000);
            segment.set(JAVA_SHORT_UNALIGNED, offset(TCP, "family"), (short) family);
        }

        RecordBuilder addresses(byte[] local, int localPort, byte[] remote, int remotePort) {
            MemorySegment.copy(MemorySegment.ofArray(local), 0, segment,
                    offset(TCP, "local_address"), local.length);
            MemorySegment.copy(MemorySegment.ofArray(remote), 0, segment,
                    offset(TCP, "remote_address"), remote.length);
            segment.set(JAVA_SHORT_UNALIGNED, offset(TCP, "local_port"), (short) localPort);
            segment.set(JAVA_SHORT_UNALIGNED, offset(TCP, "remote_port"), (short) remotePort);
            return this;
        }

        RecordBuilder task(int pid, int tid, int ppid, int uid, int gid, String comm) {
            segment.set(JAVA_INT_UNALIGNED, headerOffset("pid"), pid);
            segment.set(JAVA_INT_UNALIGNED, headerOffset("tid"), tid);
            segment.set(JAVA_INT_UNALIGNED, headerOffset("ppid"), ppid);
            segment.set(JAVA_INT_UNALIGNED, headerOffset("uid"), uid);
            segment.set(JAVA_INT_UNALIGNED, headerOffset("gid"), gid);
            string(headerOffset("comm"), comm);
            return this;
        }

        RecordBuilder cgroup(long id, String parent, String leaf) {
            segment.set(JAVA_LONG_UNALIGNED, headerOffset("cgroup_id"), id);
            string(offset(TCP, "cgroup_parent"), parent);
            string(offset(TCP, "cgroup_leaf"), leaf);
            return this;
        }

        RecordBuilder result(int result) {
            segment.set(JAVA_INT_UNALIGNED, offset(TCP, "result"), result);
            return this;
        }

        RecordBuilder flags(int flags) {
            segment.set(JAVA_INT_UNALIGNED, offset(TCP, "flags"), flags);
            return this;
        }

        RecordBuilder states(int oldState, int newState) {
            segment.set(JAVA_BYTE, offset(TCP, "old_state"), (byte) oldState);
            segment.set(JAVA_BYTE, offset(TCP, "new_state"), (byte) newState);
            return this;
        }

        private void string(long offset, String value) {
            byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
            MemorySegment.copy(MemorySegment.ofArray(bytes), 0, segment, offset, bytes.length);
        }
    }
}
