package org.tarsier.probe.process.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.tarsier.api.container.ContainerInfo;
import org.tarsier.api.event.EventHeader;
import org.tarsier.api.event.ExecEvent;
import org.tarsier.api.event.ExitEvent;
import org.tarsier.api.event.ForkEvent;

/** Decodes records built byte by byte at the offsets and sizes of process.h. */
class RecordDecoderTest {

    private static final long BOOT_NS = 5_000_000_000L;
    private static final long EPOCH_OFFSET = 1_700_000_000_000_000_000L;
    private static final long CGROUP_ID = 4242;
    private static final String DOCKER_ID = "0123456789abcdef".repeat(4);

    private final RecordDecoder decoder = new RecordDecoder(
            (cgroupId, path) -> cgroupId == CGROUP_ID && path.equals("docker/" + DOCKER_ID)
                    ? ContainerInfo.ofId("docker", DOCKER_ID) : ContainerInfo.HOST_INFO);

    RecordDecoderTest() {
        decoder.setEpochOffsetNanos(EPOCH_OFFSET);
    }

    @Test
    void execRecordDecodesEveryField() {
        ByteBuffer record = execRecord(0, "docker", DOCKER_ID, "/usr/bin/env",
                nulTerminated("tmp", "work"), nulTerminated("env", "-i", "", "ls"));

        ExecEvent event = assertInstanceOf(ExecEvent.class, decode(record));

        assertEquals(new EventHeader(BOOT_NS + EPOCH_OFFSET, CGROUP_ID, 100, 101, 1, 1000, 1001,
                "env"), event.header());
        assertEquals("/usr/bin/env", event.filename());
        assertEquals(List.of("env", "-i", "", "ls"), event.argv());
        assertFalse(event.argvTruncated(), "argv truncated");
        assertEquals("/work/tmp", event.cwd());
        assertEquals("docker/" + DOCKER_ID, event.cgroupPath());
        assertEquals(ContainerInfo.ofId("docker", DOCKER_ID), event.container());
    }

    @Test
    void execRecordSendsOnlyItsArguments() {
        byte[] args = nulTerminated("true");
        ByteBuffer full = execRecord(0, "", "", "/bin/true", new byte[0], args);
        byte[] cut = new byte[(int) RecordLayouts.offset(RecordLayouts.EXEC, "args") + args.length];
        full.get(0, cut);

        ExecEvent event = (ExecEvent) decoder.decode(MemorySegment.ofArray(cut));

        assertEquals(List.of("true"), event.argv());
        assertEquals("/", event.cwd());
        assertEquals("", event.cgroupPath());
        assertEquals(ContainerInfo.HOST_INFO, event.container());
    }

    @Test
    void truncatedArgvAndCwdAreMarked() {
        int flags = RecordLayouts.EXEC_ARGV_TRUNCATED | RecordLayouts.EXEC_CWD_TRUNCATED;
        byte[] cutArgument = "sh\0-c\0echo hel".getBytes(StandardCharsets.UTF_8);
        ByteBuffer record = execRecord(flags, "", "init.scope", "/bin/sh",
                nulTerminated("c", "b"), cutArgument);

        ExecEvent event = (ExecEvent) decode(record);

        assertEquals(List.of("sh", "-c", "echo hel"), event.argv());
        assertTrue(event.argvTruncated(), "argv truncated");
        assertEquals(".../b/c", event.cwd());
        assertEquals("init.scope", event.cgroupPath());
    }

    @Test
    void forkRecordNamesChild() {
        ByteBuffer record = buffer(RecordLayouts.FORK.byteSize());
        header(record, RecordLayouts.KIND_FORK, "bash");
        record.putInt(56, 300).putInt(60, 301);

        ForkEvent event = assertInstanceOf(ForkEvent.class, decode(record));

        assertEquals(300, event.childPid());
        assertEquals(301, event.childTid());
        assertEquals("bash", event.header().comm());
        assertTrue(event.isThread(), "thread");
    }

    @Test
    void exitRecordSplitsCodeAndSignal() {
        ExitEvent exited = (ExitEvent) decode(exitRecord(3 << 8, 2_000));
        ExitEvent killed = (ExitEvent) decode(exitRecord(9 | 0x80, 0));

        assertEquals(3, exited.exitCode());
        assertEquals(0, exited.signal());
        assertEquals(2_000, exited.durationNanos());
        assertEquals(0, killed.exitCode());
        assertEquals(9, killed.signal());
    }

    @Test
    void shortOrUnknownRecordsAreRejected() {
        ByteBuffer unknown = buffer(RecordLayouts.HEADER.byteSize());
        header(unknown, 99, "x");

        assertThrows(IllegalArgumentException.class, () -> decode(buffer(10)));
        assertThrows(IllegalArgumentException.class, () -> decode(unknown));
    }

    @Test
    void cgroupPathJoinsNonEmptyNames() {
        assertEquals("docker/abc", RecordDecoder.cgroupPath("docker", "abc"));
        assertEquals("abc", RecordDecoder.cgroupPath("", "abc"));
        assertEquals("abc", RecordDecoder.cgroupPath("/", "abc"));
        assertEquals("", RecordDecoder.cgroupPath("docker", ""));
    }

    private org.tarsier.api.event.Event decode(ByteBuffer record) {
        return decoder.decode(MemorySegment.ofArray(record.array()));
    }

    private static ByteBuffer execRecord(int flags, String cgroupParent, String cgroupLeaf,
            String filename, byte[] cwd, byte[] args) {
        ByteBuffer record = buffer(RecordLayouts.EXEC.byteSize());
        header(record, RecordLayouts.KIND_EXEC, "env");
        record.putInt(56, flags);
        record.putInt(60, count(args));
        record.putInt(64, args.length);
        record.putInt(68, cwd.length);
        putString(record, 72, cgroupParent);
        putString(record, 200, cgroupLeaf);
        putString(record, 328, filename);
        record.put(840, cwd);
        record.put(1608, args);
        return record;
    }

    private static ByteBuffer exitRecord(int status, long lifetime) {
        ByteBuffer record = buffer(RecordLayouts.EXIT.byteSize());
        header(record, RecordLayouts.KIND_EXIT, "sleep");
        record.putInt(56, status).putLong(64, lifetime);
        return record;
    }

    private static void header(ByteBuffer record, int kind, String comm) {
        record.putLong(0, BOOT_NS).putLong(8, CGROUP_ID).putInt(16, kind).putInt(20, 100)
                .putInt(24, 101).putInt(28, 1).putInt(32, 1000).putInt(36, 1001);
        putString(record, 40, comm);
    }

    private static ByteBuffer buffer(long size) {
        return ByteBuffer.allocate((int) size).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static void putString(ByteBuffer record, int offset, String value) {
        record.put(offset, value.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] nulTerminated(String... values) {
        return (String.join("\0", values) + "\0").getBytes(StandardCharsets.UTF_8);
    }

    private static int count(byte[] args) {
        int count = 0;
        for (int i = 0; i < args.length; i++) {
            if (args[i] == 0 || i == args.length - 1) {
                count++;
            }
        }
        return count;
    }
}
