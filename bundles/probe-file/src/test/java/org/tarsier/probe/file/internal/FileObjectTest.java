package org.tarsier.probe.file.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;

class FileObjectTest {

    @Test
    void defaultListSecondBytes() {
        long[] bits = FileObject.sensitiveSecondBytes(List.of("/etc/shadow", "/root/.ssh",
                "/home/*/.ssh", "/var/lib/*/.ssh", "/etc/ssh/ssh_host_*"));

        assertEquals(List.of((int) 'e', (int) 'h', (int) 'r', (int) 'v'), setBits(bits));
    }

    @Test
    void starAfterRootSetsEveryBit() {
        long[] bits = FileObject.sensitiveSecondBytes(List.of("/etc/shadow", "/*/secret"));

        assertArrayEquals(new long[] {-1L, -1L, -1L, -1L}, bits);
    }

    @Test
    void rootAloneSetsEveryBit() {
        assertArrayEquals(new long[] {-1L, -1L, -1L, -1L},
                FileObject.sensitiveSecondBytes(List.of("/")));
    }

    @Test
    void emptyListSetsNoBit() {
        assertArrayEquals(new long[4], FileObject.sensitiveSecondBytes(List.of()));
    }

    @Test
    void bytesAbove127UseTheUpperWords() {
        // "/é" is '/', 0xC3, 0xA9 in UTF-8: the kernel compares the first byte of the sequence
        long[] bits = FileObject.sensitiveSecondBytes(List.of("/\u00e9t\u00e9"));

        assertEquals(List.of(0xC3), setBits(bits));
    }

    private static List<Integer> setBits(long[] bits) {
        return java.util.stream.IntStream.range(0, 256)
                .filter(c -> (bits[c >>> 6] >>> (c & 63) & 1) != 0).boxed().toList();
    }
}
