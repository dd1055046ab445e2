package org.tarsier.libbpf;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import org.tarsier.libbpf.internal.Native;
import org.tarsier.libbpf.internal.NativeCall;

/**
 * The kernel's boot-time clock ({@code CLOCK_BOOTTIME}), which {@code bpf_ktime_get_boot_ns}
 * reads, and its conversion to wall-clock time.
 */
public final class BootClock {

    private static final int CLOCK_REALTIME = 0;
    private static final int CLOCK_BOOTTIME = 7;

    /** Maximum time, in nanoseconds, that callers share one measured offset. */
    private static final long REFRESH_NANOS = 100_000_000L;

    /** Maximum boot clock bracket, in nanoseconds, of a measurement that replaces another. */
    private static final long MAX_BRACKET_NANOS = 100_000L;

    private static final int MEASUREMENTS = 5;

    private static volatile Offset offset;

    private BootClock() {
    }

    /** Returns nanoseconds since boot, including time spent suspended. */
    public static long bootTimeNanos() {
        try (Arena arena = Arena.ofConfined()) {
            return read(CLOCK_BOOTTIME, arena.allocate(16, 8));
        }
    }

    /** Returns nanoseconds since the Unix epoch from {@code CLOCK_REALTIME}. */
    public static long realTimeNanos() {
        try (Arena arena = Arena.ofConfined()) {
            return read(CLOCK_REALTIME, arena.allocate(16, 8));
        }
    }

    /**
     * Returns what to add to a boot-time timestamp to get nanoseconds since the Unix epoch.
     *
     * <p>Every probe converts its kernel timestamps with this offset, and detectors order the
     * events of all probes by the results, so two probes must get the same offset at the same
     * time. A measurement reads the boot clock, the wall clock and the boot clock again, and is
     * off by up to half the time between the two boot clock reads. Preemption between them made
     * single measurements differ by milliseconds on a busy host, more than the time between a
     * process's exec and its first file operation. So the offset is measured again at most every
     * 100 ms, as the best of five tries. A measurement whose reads took longer than 100 µs is not
     * used while an earlier one exists. The offset changes when the wall clock is set or slewed.
     */
    public static long epochOffsetNanos() {
        Offset current = offset;
        long now = bootTimeNanos();
        if (current != null && now - current.measuredAtNanos() < REFRESH_NANOS) {
            return current.nanos();
        }
        Offset measured = measure();
        if (current == null || measured.bracketNanos() <= MAX_BRACKET_NANOS) {
            offset = measured;
            return measured.nanos();
        }
        return current.nanos();
    }

    /**
     * Returns the measurement with the shortest boot clock bracket of a few tries. One timespec
     * serves every read, so no allocation falls between the reads of a bracket.
     */
    private static Offset measure() {
        Offset best = null;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment timespec = arena.allocate(16, 8);
            for (int i = 0; i < MEASUREMENTS; i++) {
                long boot = read(CLOCK_BOOTTIME, timespec);
                long real = read(CLOCK_REALTIME, timespec);
                long bootAfter = read(CLOCK_BOOTTIME, timespec);
                Offset sample = new Offset(real - (boot + (bootAfter - boot) / 2),
                        bootAfter - boot, bootAfter);
                if (best == null || sample.bracketNanos() < best.bracketNanos()) {
                    best = sample;
                }
            }
        }
        return best;
    }

    /** Offset from boot time to wall-clock time, and how it was measured. */
    private record Offset(long nanos, long bracketNanos, long measuredAtNanos) {
    }

    /** Reads a clock into {@code timespec}, a struct timespec, and returns its nanoseconds. */
    private static long read(int clock, MemorySegment timespec) {
        int result = NativeCall.invoke(
                () -> (int) Native.CLOCK_GETTIME.invokeExact(clock, timespec));
        if (result != 0) {
            throw new IllegalStateException("clock_gettime(" + clock + ") failed");
        }
        return timespec.get(JAVA_LONG, 0) * 1_000_000_000L + timespec.get(JAVA_LONG, 8);
    }
}
