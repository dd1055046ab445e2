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

    private BootClock() {
    }

    /** Returns nanoseconds since boot, including time spent suspended. */
    public static long bootTimeNanos() {
        return read(CLOCK_BOOTTIME);
    }

    /** Returns nanoseconds since the Unix epoch from {@code CLOCK_REALTIME}. */
    public static long realTimeNanos() {
        return read(CLOCK_REALTIME);
    }

    /**
     * Returns what to add to a boot-time timestamp to get nanoseconds since the Unix epoch. The
     * offset changes when the wall clock is set or slewed; callers refresh it periodically.
     */
    public static long epochOffsetNanos() {
        long boot = bootTimeNanos();
        long real = realTimeNanos();
        long bootAfter = bootTimeNanos();
        return real - (boot + (bootAfter - boot) / 2);
    }

    private static long read(int clock) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment timespec = arena.allocate(16, 8);
            int result = NativeCall.invoke(
                    () -> (int) Native.CLOCK_GETTIME.invokeExact(clock, timespec));
            if (result != 0) {
                throw new IllegalStateException("clock_gettime(" + clock + ") failed");
            }
            return timespec.get(JAVA_LONG, 0) * 1_000_000_000L + timespec.get(JAVA_LONG, 8);
        }
    }
}
