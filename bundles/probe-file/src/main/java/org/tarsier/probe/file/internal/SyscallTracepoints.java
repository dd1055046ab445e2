package org.tarsier.probe.file.internal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The syscalls that the file probe traces, and the check that their tracepoints exist. They
 * exist in kernels built with CONFIG_FTRACE_SYSCALLS, under the events folder of tracefs.
 */
final class SyscallTracepoints {

    /** Tracepoint category of every program. */
    static final String CATEGORY = "syscalls";

    /** The traced syscalls; each has a program enter_NAME and an exit tracepoint. */
    static final List<String> SYSCALLS = List.of(
            "open", "openat", "openat2", "creat",
            "unlink", "unlinkat", "rename", "renameat", "renameat2",
            "chmod", "fchmod", "fchmodat", "fchmodat2",
            "chown", "fchown", "lchown", "fchownat",
            "link", "linkat", "symlink", "symlinkat",
            "mkdir", "mkdirat", "rmdir", "truncate", "ftruncate", "mknod", "mknodat");

    /**
     * Syscalls whose enter program only ends the cached read verdicts, because they can move a
     * mount and so change paths. Their exits are in {@link #PATH_MOVES}.
     */
    static final List<String> MOUNT_MOVES = List.of("mount", "move_mount");

    /**
     * Syscalls that change paths, each with a program moved_NAME on its exit tracepoint that
     * ends the cached read verdicts again when it returns.
     */
    static final List<String> PATH_MOVES = List.of("rename", "renameat", "renameat2", "mount",
            "move_mount");

    /** Syscalls that some supported kernels lack: fchmodat2 came with Linux 6.6. */
    static final Set<String> OPTIONAL = Set.of("fchmodat2");

    /** Where tracefs is mounted, in the order libbpf looks. */
    static final List<Path> TRACEFS_EVENTS = List.of(
            Path.of("/sys/kernel/tracing/events"), Path.of("/sys/kernel/debug/tracing/events"));

    private SyscallTracepoints() {
    }

    /** Returns the program that records the arguments of a syscall. */
    static String enterProgram(String syscall) {
        return "enter_" + syscall;
    }

    /** Returns the program that ends the cached read verdicts when a path move returns. */
    static String movedProgram(String syscall) {
        return "moved_" + syscall;
    }

    /** Returns the name of a syscall's enter tracepoint. */
    static String enterTracepoint(String syscall) {
        return "sys_enter_" + syscall;
    }

    /** Returns the name of a syscall's exit tracepoint. */
    static String exitTracepoint(String syscall) {
        return "sys_exit_" + syscall;
    }

    /**
     * Returns the traced syscalls whose tracepoints exist under the first tracefs events folder
     * that has a syscalls category.
     *
     * @throws IllegalStateException if no events folder has a syscalls category, or a syscall
     *     outside {@link #OPTIONAL} lacks a tracepoint
     */
    static List<String> available(List<Path> eventsFolders) {
        Path syscalls = syscallsFolder(eventsFolders).orElseThrow(() -> new IllegalStateException(
                "the kernel has no syscall tracepoints: no syscalls folder in " + eventsFolders
                        + "; the file probe needs a kernel built with CONFIG_FTRACE_SYSCALLS"
                        + " and tracefs mounted at /sys/kernel/tracing"));
        List<String> available = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (String syscall : SYSCALLS) {
            boolean present = Files.isDirectory(syscalls.resolve(enterTracepoint(syscall)))
                    && Files.isDirectory(syscalls.resolve(exitTracepoint(syscall)));
            if (present) {
                available.add(syscall);
            } else if (!OPTIONAL.contains(syscall)) {
                missing.add(syscall);
            }
        }
        for (String syscall : MOUNT_MOVES) {
            if (!Files.isDirectory(syscalls.resolve(enterTracepoint(syscall)))
                    || !Files.isDirectory(syscalls.resolve(exitTracepoint(syscall)))) {
                missing.add(syscall);
            }
        }
        if (!missing.isEmpty()) {
            throw new IllegalStateException("the kernel lacks the syscall tracepoints of "
                    + missing + " in " + syscalls);
        }
        return available;
    }

    private static Optional<Path> syscallsFolder(List<Path> eventsFolders) {
        return eventsFolders.stream()
                .map(folder -> folder.resolve(CATEGORY))
                .filter(Files::isDirectory)
                .findFirst();
    }
}
