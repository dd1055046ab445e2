package org.tarsier.libbpf;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.locks.Lock;

import org.tarsier.libbpf.internal.Errno;
import org.tarsier.libbpf.internal.Native;
import org.tarsier.libbpf.internal.NativeCall;
import org.tarsier.libbpf.internal.PrintRouter;

/** A program of a {@link BpfObject}; the object owns it and the links made from it. */
public final class BpfProgram {

    private final BpfObject object;
    private final MemorySegment handle;
    private final String name;
    private final String sectionName;

    BpfProgram(BpfObject object, MemorySegment handle) {
        this.object = object;
        this.handle = handle;
        this.name = Native.string(NativeCall.invoke(
                () -> (MemorySegment) Native.PROGRAM_NAME.invokeExact(handle)));
        this.sectionName = Native.string(NativeCall.invoke(
                () -> (MemorySegment) Native.PROGRAM_SECTION_NAME.invokeExact(handle)));
    }

    /** Returns the C function name, which is also the name bpftool shows (cut at 15 bytes). */
    public String name() {
        return name;
    }

    /** Returns the ELF section name, for example {@code tracepoint/sched/sched_process_exec}. */
    public String sectionName() {
        return sectionName;
    }

    /**
     * Returns the attach point that the section names, in words: {@code tracepoint
     * sched/sched_process_exec}, {@code raw tracepoint sched_process_fork}, or the section.
     */
    public String attachPoint() {
        return describeSection(sectionName);
    }

    /** Returns the object that owns this program. */
    public BpfObject object() {
        return object;
    }

    /** Returns whether {@link BpfObject#load} loads this program. */
    public boolean autoload() {
        Lock read = object.acquire();
        try {
            return NativeCall.invoke(() -> (boolean) Native.PROGRAM_AUTOLOAD.invokeExact(handle));
        } finally {
            read.unlock();
        }
    }

    /**
     * Sets whether {@link BpfObject#load} loads this program.
     *
     * @throws IllegalStateException if the object is loaded or closed
     */
    public void setAutoload(boolean autoload) {
        Lock read = object.acquire();
        try {
            object.requireNotLoaded("change autoload of program " + name);
            int result = NativeCall.invoke(
                    () -> (int) Native.PROGRAM_SET_AUTOLOAD.invokeExact(handle, autoload));
            if (result < 0) {
                throw new IllegalStateException("failed to set autoload of program " + name
                        + " of " + object.name() + ": " + Errno.name(result));
            }
        } finally {
            read.unlock();
        }
    }

    /**
     * Run statistics of a loaded program, from {@code /proc/self/fdinfo} of its file descriptor.
     *
     * @param runCount number of runs, counted while {@code kernel.bpf_stats_enabled} is 1
     * @param runTimeNanos total run time in nanoseconds, measured under the same condition
     * @since 1.1
     */
    public record RunStats(long runCount, long runTimeNanos) {
    }

    /**
     * Reads the program's run statistics from {@code /proc/self/fdinfo/<fd>}, where the kernel
     * (5.1 and later) writes {@code run_time_ns} and {@code run_cnt}.
     *
     * @throws IllegalStateException if the program is not loaded
     * @throws IOException if the fdinfo file cannot be read
     * @since 1.1
     */
    public RunStats runStats() throws IOException {
        Lock read = object.acquire();
        try {
            long runTime = 0;
            long runCount = 0;
            for (String line : Files.readAllLines(Path.of("/proc/self/fdinfo/" + fd()))) {
                if (line.startsWith("run_time_ns:")) {
                    runTime = Long.parseLong(line.substring(12).trim());
                } else if (line.startsWith("run_cnt:")) {
                    runCount = Long.parseLong(line.substring(8).trim());
                }
            }
            return new RunStats(runCount, runTime);
        } catch (NumberFormatException e) {
            throw new IOException("unexpected run statistics in fdinfo of program " + name, e);
        } finally {
            read.unlock();
        }
    }

    /**
     * Returns the program's file descriptor, owned by the object.
     *
     * @throws IllegalStateException if the program is not loaded
     */
    public int fd() {
        Lock read = object.acquire();
        try {
            int fd = NativeCall.invoke(() -> (int) Native.PROGRAM_FD.invokeExact(handle));
            if (fd < 0) {
                throw new IllegalStateException("program " + name + " of " + object.name()
                        + " is not loaded");
            }
            return fd;
        } finally {
            read.unlock();
        }
    }

    /**
     * Attaches the program at the attach point that its section names.
     *
     * @throws BpfException naming the program, object, attach point and errno
     */
    public BpfLink attach() throws BpfException {
        return attach(attachPoint(), (state, call) -> NativeCall.invoke(
                () -> (MemorySegment) Native.PROGRAM_ATTACH.invokeExact(state, handle)));
    }

    /**
     * Attaches the program to a tracepoint of tracefs, for example {@code sched} and
     * {@code sched_process_exec}.
     *
     * @throws BpfException with {@code ENOENT} if the tracepoint does not exist
     */
    public BpfLink attachTracepoint(String category, String tracepoint) throws BpfException {
        return attach("tracepoint " + category + "/" + tracepoint, (state, call) -> {
            MemorySegment cCategory = call.allocateFrom(category);
            MemorySegment cName = call.allocateFrom(tracepoint);
            return NativeCall.invoke(() -> (MemorySegment) Native.PROGRAM_ATTACH_TRACEPOINT
                    .invokeExact(state, handle, cCategory, cName));
        });
    }

    /** Attaches the program to a raw tracepoint, for example {@code sched_process_fork}. */
    public BpfLink attachRawTracepoint(String tracepoint) throws BpfException {
        return attach("raw tracepoint " + tracepoint, (state, call) -> {
            MemorySegment cName = call.allocateFrom(tracepoint);
            return NativeCall.invoke(() -> (MemorySegment) Native.PROGRAM_ATTACH_RAW_TRACEPOINT
                    .invokeExact(state, handle, cName));
        });
    }

    @Override
    public String toString() {
        return "BpfProgram[" + name + " of " + object.name() + ", " + sectionName + "]";
    }

    private BpfLink attach(String attachPoint, Attacher attacher) throws BpfException {
        Lock read = object.acquire();
        try (Arena call = Arena.ofConfined(); PrintRouter.Capture capture = PrintRouter.capture()) {
            object.requireLoaded("attach program " + name);
            MemorySegment state = Native.allocateCallState(call);
            MemorySegment link = attacher.attach(state, call);
            if (link.equals(MemorySegment.NULL)) {
                int errno = Native.errno(state);
                throw new BpfException("failed to attach program " + name + " of "
                        + object.name() + " to " + attachPoint + ": " + Errno.name(errno),
                        errno, capture.warnings());
            }
            BpfLink created = new BpfLink(this, link, attachPoint);
            object.register(created);
            return created;
        } finally {
            read.unlock();
        }
    }

    static String describeSection(String section) {
        String plain = section.startsWith("?") ? section.substring(1) : section;
        int slash = plain.indexOf('/');
        if (slash < 0) {
            return "section " + plain;
        }
        String kind = plain.substring(0, slash);
        String target = plain.substring(slash + 1);
        return switch (kind) {
            case "tracepoint", "tp" -> "tracepoint " + target;
            case "raw_tracepoint", "raw_tp" -> "raw tracepoint " + target;
            case "tp_btf" -> "BTF tracepoint " + target;
            default -> kind + " " + target;
        };
    }

    @FunctionalInterface
    private interface Attacher {
        MemorySegment attach(MemorySegment callState, Arena call);
    }
}
