package org.tarsier.probe.file.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;
import org.tarsier.libbpf.probe.ProbeSession;
import org.tarsier.libbpf.testing.KernelObjects;

/** Loads and unloads the probe in the running kernel; needs root. */
class LifecycleTest {

    @Test
    void attachesEveryAvailableSyscall() throws Exception {
        List<String> syscalls = SyscallTracepoints.available(SyscallTracepoints.TRACEFS_EVENTS);
        try (KernelProbe probe = KernelProbe.start()) {
            List<String> programs = probe.session().programs();

            // an enter and an exit per syscall, the path moves and the program for i386
            int expected = 2 * syscalls.size() + SyscallTracepoints.MOUNT_MOVES.size()
                    + SyscallTracepoints.PATH_MOVES.size() + 1;
            assertEquals(expected, programs.size(), programs.toString());
            assertTrue(programs.contains(
                    "enter_move_mount: tracepoint syscalls/sys_enter_move_mount"),
                    programs.toString());
            assertTrue(programs.contains("moved_renameat2: tracepoint syscalls/sys_exit_renameat2"),
                    programs.toString());
            assertTrue(programs.contains("handle_sys_exit: tracepoint syscalls/sys_exit_openat"),
                    programs.toString());
            assertTrue(programs.contains("ia32_sys_exit: BTF tracepoint sys_exit"),
                    programs.toString());
            assertTrue(programs.contains(
                    "enter_renameat2: tracepoint syscalls/sys_enter_renameat2"),
                    programs.toString());
        }
    }

    @Test
    void fiftyLoadCyclesLeakNothing() throws Exception {
        KernelProbe.start().close();
        long fdsBefore = openFileDescriptors();
        Set<String> kernelIds = new TreeSet<>();

        for (int i = 0; i < 50; i++) {
            try (KernelProbe probe = KernelProbe.start()) {
                kernelIds.addAll(KernelObjects.idsOf(probe.session().object()));
            }
        }

        assertEquals(fdsBefore, openFileDescriptors(), "open file descriptors");
        assertEquals(List.of(), KernelObjects.bpfHandlesOfThisProcess());
        assertEquals(0, pollerThreads(), "poller threads");
        assertEquals(Set.of(), KernelObjects.stillLoaded(kernelIds), "loaded after unload");
    }

    @Test
    void dropCountsNameEveryReason() throws Exception {
        try (KernelProbe probe = KernelProbe.start()) {
            Map<String, Long> drops = FileObject.DROPS.read(probe.session().object());

            assertEquals(List.of("ringbuf", "path_read", "base_unresolved", "cgroup_read"),
                    List.copyOf(drops.keySet()));
            assertTrue(drops.values().stream().allMatch(count -> count >= 0), drops.toString());
        }
    }

    private static long openFileDescriptors() throws IOException {
        try (var entries = Files.list(Path.of("/proc/self/fd"))) {
            return entries.count();
        }
    }

    private static long pollerThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals(ProbeSession.POLLER_THREAD))
                .count();
    }
}
