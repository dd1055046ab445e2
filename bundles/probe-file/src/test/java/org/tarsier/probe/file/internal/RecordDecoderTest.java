package org.tarsier.probe.file.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import org.tarsier.api.container.ContainerInfo;
import org.tarsier.api.event.FileEvent;
import org.tarsier.api.event.FileOperation;

class RecordDecoderTest {

    private static final ValueLayout.OfInt INT =
            ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.nativeOrder());
    private static final ValueLayout.OfLong LONG =
            ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.nativeOrder());

    private final RecordDecoder decoder = new RecordDecoder(KernelProbe::dockerContainer);

    @Test
    void renameIsNormalisedAndAttributed() {
        String id = "a".repeat(64);
        MemorySegment record = record(3, 0, "/tmp/x/../a", "/tmp/./b", -18);
        putString(record, "cgroup_parent", "docker");
        putString(record, "cgroup_leaf", id);

        FileEvent event = decoder.decode(record).event();

        assertEquals(FileOperation.RENAME, event.operation());
        assertEquals("/tmp/a", event.path());
        assertEquals("/tmp/b", event.targetPath());
        assertEquals(-18, event.result());
        assertEquals("EXDEV", event.error());
        assertEquals(ContainerInfo.ofId("docker", id), event.container());
    }

    @Test
    void symlinkContentStaysAsGiven() {
        MemorySegment record = record(7, 0, "/tmp/link", "../etc/./shadow", 0);

        FileEvent event = decoder.decode(record).event();

        assertEquals("../etc/./shadow", event.targetPath());
    }

    @Test
    void resolvedOpenKeepsRequestedPath() {
        MemorySegment record = record(1, RecordLayouts.FILE_PATH_RESOLVED, "/etc/shadow",
                "/tmp/../tmp/link", 3);

        RecordDecoder.Decoded decoded = decoder.decode(record);

        assertTrue(decoded.pathResolved(), "path resolved");
        assertEquals("/etc/shadow", decoded.event().path());
        assertEquals("/tmp/link", decoded.event().requestedPath());
        assertEquals("", decoded.event().targetPath());
    }

    @Test
    void unresolvedOpenRequestedPathIsPath() {
        FileEvent event = decoder.decode(record(1, 0, "/etc/./shadow", "", -13)).event();

        assertEquals("/etc/shadow", event.path());
        assertEquals("/etc/shadow", event.requestedPath());
    }

    @Test
    void truncatedAndUnresolvedPathsAreMarked() {
        MemorySegment truncated = record(1, RecordLayouts.FILE_PATH_TRUNCATED, "/deep/file", "",
                3);
        MemorySegment unresolved = record(2, RecordLayouts.FILE_PATH_UNRESOLVED, "name", "", 0);

        RecordDecoder.Decoded cut = decoder.decode(truncated);
        RecordDecoder.Decoded relative = decoder.decode(unresolved);

        assertEquals(".../deep/file", cut.event().path());
        assertTrue(cut.pathUndecided(), "cut path undecided");
        assertEquals("name", relative.event().path());
        assertTrue(relative.pathUndecided(), "relative path undecided");
    }

    @Test
    void shortRecordIsRejected() {
        MemorySegment record = record(1, 0, "/etc/passwd", "", 3);
        long size = RecordLayouts.offset(RecordLayouts.FILE, "data") + 4;

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> decoder.decode(record.asSlice(0, size)));

        assertTrue(e.getMessage().startsWith("file record with its paths needs"),
                e.getMessage());
    }

    private static MemorySegment record(int operation, int recordFlags, String path,
            String target, long result) {
        byte[] pathBytes = terminated(path);
        byte[] targetBytes = target.isEmpty() ? new byte[0] : terminated(target);
        long data = RecordLayouts.offset(RecordLayouts.FILE, "data");
        MemorySegment record = MemorySegment.ofArray(
                new byte[(int) data + pathBytes.length + targetBytes.length]);
        record.set(INT, RecordLayouts.headerOffset("kind"), RecordLayouts.KIND_FILE);
        record.set(INT, RecordLayouts.offset(RecordLayouts.FILE, "operation"), operation);
        record.set(INT, RecordLayouts.offset(RecordLayouts.FILE, "record_flags"), recordFlags);
        record.set(LONG, RecordLayouts.offset(RecordLayouts.FILE, "result"), result);
        record.set(INT, RecordLayouts.offset(RecordLayouts.FILE, "path_size"), pathBytes.length);
        record.set(INT, RecordLayouts.offset(RecordLayouts.FILE, "target_size"),
                targetBytes.length);
        MemorySegment.copy(pathBytes, 0, record, ValueLayout.JAVA_BYTE, data, pathBytes.length);
        MemorySegment.copy(targetBytes, 0, record, ValueLayout.JAVA_BYTE,
                data + pathBytes.length, targetBytes.length);
        return record;
    }

    private static void putString(MemorySegment record, String member, String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        MemorySegment.copy(bytes, 0, record, ValueLayout.JAVA_BYTE,
                RecordLayouts.offset(RecordLayouts.FILE, member), bytes.length);
    }

    private static byte[] terminated(String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        byte[] result = new byte[bytes.length + 1];
        System.arraycopy(bytes, 0, result, 0, bytes.length);
        return result;
    }
}
