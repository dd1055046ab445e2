package org.tarsier.probe.file.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SyscallTracepointsTest {

    @TempDir
    Path events;

    @Test
    void missingSyscallsCategoryFailsWithReason() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> SyscallTracepoints.available(List.of(events)));

        assertEquals("the kernel has no syscall tracepoints: no syscalls folder in [" + events
                + "]; the file probe needs a kernel built with CONFIG_FTRACE_SYSCALLS and tracefs"
                + " mounted at /sys/kernel/tracing", e.getMessage());
    }

    @Test
    void optionalSyscallMayBeMissing() throws IOException {
        createTracepoints(SyscallTracepoints.SYSCALLS.stream()
                .filter(name -> !name.equals("fchmodat2")).toList());

        List<String> available = SyscallTracepoints.available(List.of(events));

        assertEquals(SyscallTracepoints.SYSCALLS.size() - 1, available.size());
    }

    @Test
    void missingRequiredSyscallFails() throws IOException {
        createTracepoints(SyscallTracepoints.SYSCALLS.stream()
                .filter(name -> !name.equals("openat")).toList());

        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> SyscallTracepoints.available(List.of(events)));

        assertEquals("the kernel lacks the syscall tracepoints of [openat] in "
                + events.resolve("syscalls"), e.getMessage());
    }

    @Test
    void missingMountMoveFails() throws IOException {
        createTracepoints(SyscallTracepoints.SYSCALLS);
        Files.delete(events.resolve("syscalls")
                .resolve(SyscallTracepoints.enterTracepoint("move_mount")));

        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> SyscallTracepoints.available(List.of(events)));

        assertEquals("the kernel lacks the syscall tracepoints of [move_mount] in "
                + events.resolve("syscalls"), e.getMessage());
    }

    @Test
    void runningKernelHasEveryRequiredSyscall() {
        List<String> available = SyscallTracepoints.available(SyscallTracepoints.TRACEFS_EVENTS);

        assertEquals(true, available.containsAll(SyscallTracepoints.SYSCALLS.stream()
                .filter(name -> !SyscallTracepoints.OPTIONAL.contains(name)).toList()));
    }

    /** Creates both tracepoints of each syscall and of the mount moves. */
    private void createTracepoints(List<String> syscalls) throws IOException {
        for (String syscall : SyscallTracepoints.MOUNT_MOVES) {
            Files.createDirectories(events.resolve("syscalls")
                    .resolve(SyscallTracepoints.enterTracepoint(syscall)));
            Files.createDirectories(events.resolve("syscalls")
                    .resolve(SyscallTracepoints.exitTracepoint(syscall)));
        }
        for (String syscall : syscalls) {
            Files.createDirectories(events.resolve("syscalls")
                    .resolve(SyscallTracepoints.enterTracepoint(syscall)));
            Files.createDirectories(events.resolve("syscalls")
                    .resolve(SyscallTracepoints.exitTracepoint(syscall)));
        }
    }
}
