package org.tarsier.container.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class CgroupMountsTest {

    @Test
    void pureV2HostUsesSysFsCgroup() {
        List<String> lines = List.of(
                "22 1 0:21 / /proc rw,nosuid,nodev,noexec,relatime shared:12 - proc proc rw",
                "25 21 0:23 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4"
                        + " - cgroup2 cgroup2 rw,nsdelegate,memory_recursiveprot",
                "30 21 0:27 / /sys/fs/bpf rw,nosuid,nodev,noexec,relatime shared:8 - bpf bpf"
                        + " rw,mode=700");

        assertEquals(Optional.of(Path.of("/sys/fs/cgroup")), CgroupMounts.findCgroup2Mount(lines));
    }

    @Test
    void hybridHostUsesUnified() {
        List<String> lines = List.of(
                "31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755",
                "32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu",
                "35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory",
                "40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd",
                "41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw");

        assertEquals(Optional.of(Path.of("/sys/fs/cgroup/unified")),
                CgroupMounts.findCgroup2Mount(lines));
    }

    @Test
    void hierarchyRootWinsOverBindMountOfSubtree() {
        List<String> lines = List.of(
                "50 40 0:38 /docker/abc /mnt/inner rw - cgroup2 cgroup2 rw",
                "41 31 0:38 / /opt/cgroup rw shared:9 master:3 - cgroup2 cgroup2 rw");

        assertEquals(Optional.of(Path.of("/opt/cgroup")), CgroupMounts.findCgroup2Mount(lines));
    }

    @Test
    void octalEscapesInMountPointAreDecoded() {
        List<String> lines = List.of(
                "41 31 0:38 / /mnt/my\\040cgroup rw - cgroup2 cgroup2 rw");

        assertEquals(Optional.of(Path.of("/mnt/my cgroup")), CgroupMounts.findCgroup2Mount(lines));
    }

    @Test
    void noCgroup2MountIsEmpty() {
        List<String> lines = List.of(
                "32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu",
                "malformed line");

        assertEquals(Optional.empty(), CgroupMounts.findCgroup2Mount(lines));
    }
}
