package org.tarsier.features.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class CgroupCpuTest {

    @Test
    void mountFoundInMountinfo() {
        List<String> lines = List.of(
                "25 30 0:22 / /sys/fs/cgroup ro,nosuid - tmpfs tmpfs ro,mode=755",
                "27 25 0:24 / /sys/fs/cgroup/unified rw,nosuid - cgroup2 cgroup2 rw",
                "28 25 0:25 / /sys/fs/cgroup/cpu rw,nosuid - cgroup cgroup rw,cpu");

        assertEquals(Optional.of(Path.of("/sys/fs/cgroup/unified")), CgroupCpu.findMount(lines));
    }

    @Test
    void noMountWithoutCgroup2() {
        List<String> lines = List.of("28 25 0:25 / /sys/fs/cgroup/cpu rw - cgroup cgroup rw");

        assertEquals(Optional.empty(), CgroupCpu.findMount(lines));
    }

    @Test
    void ownCgroupReadByInode() throws Exception {
        CgroupCpu cpu = CgroupCpu.ofHost().orElseThrow();
        Path own = ownCgroup();
        long inode = ((Number) Files.getAttribute(own, "unix:ino")).longValue();

        Optional<long[]> first = cpu.read(inode);
        burnCpu();
        Optional<long[]> second = cpu.read(inode);

        assertTrue(first.isPresent(), "no cpu.stat for " + own);
        assertTrue(second.orElseThrow()[0] + second.get()[1] > first.get()[0] + first.get()[1],
                "CPU time of " + own + " did not grow");
    }

    @Test
    void unknownCgroupReadAsEmpty() {
        CgroupCpu cpu = CgroupCpu.ofHost().orElseThrow();

        assertEquals(Optional.empty(), cpu.read(Long.MAX_VALUE));
    }

    private static Path ownCgroup() throws Exception {
        Path mount = CgroupCpu.findMount(Files.readAllLines(Path.of("/proc/self/mountinfo")))
                .orElseThrow();
        for (String line : Files.readAllLines(Path.of("/proc/self/cgroup"))) {
            if (line.startsWith("0::")) {
                return mount.resolve(line.substring(3).replaceFirst("^/", ""));
            }
        }
        throw new AssertionError("no cgroup v2 line in /proc/self/cgroup");
    }

    private static void burnCpu() {
        long deadline = System.nanoTime() + 50_000_000L;
        long sum = 0;
        while (System.nanoTime() < deadline) {
            sum += System.nanoTime() % 7;
        }
        assertTrue(sum >= 0);
    }
}
