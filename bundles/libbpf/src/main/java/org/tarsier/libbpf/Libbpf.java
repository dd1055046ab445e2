package org.tarsier.libbpf;

import java.lang.foreign.MemorySegment;

import org.tarsier.libbpf.internal.Native;
import org.tarsier.libbpf.internal.NativeCall;
import org.tarsier.libbpf.internal.PrintRouter;

/** Process-wide facts and settings of the system libbpf. */
public final class Libbpf {

    private static volatile int possibleCpus;

    private Libbpf() {
    }

    /** Returns the version of the loaded libbpf, for example {@code v1.1}. */
    public static String version() {
        return Native.string(NativeCall.invoke(
                () -> (MemorySegment) Native.VERSION_STRING.invokeExact()));
    }

    /**
     * Returns the number of possible CPUs, which sizes the values of per-CPU maps.
     *
     * @throws IllegalStateException if libbpf cannot read {@code /sys/devices/system/cpu/possible}
     */
    public static int possibleCpus() {
        int cached = possibleCpus;
        if (cached > 0) {
            return cached;
        }
        int count = NativeCall.invoke(() -> (int) Native.NUM_POSSIBLE_CPUS.invokeExact());
        if (count <= 0) {
            throw new IllegalStateException("libbpf could not count the possible CPUs: "
                    + org.tarsier.libbpf.internal.Errno.name(count));
        }
        possibleCpus = count;
        return count;
    }

    /**
     * Routes libbpf's messages to {@code sink}, one call per message with the trailing newline
     * removed, on the thread that called into libbpf. {@code null} discards them, which is the
     * default. The sink is process-wide, because libbpf keeps one print callback per process.
     */
    public static void setPrintSink(PrintSink sink) {
        PrintRouter.install();
        PrintRouter.setSink(sink);
    }

    /** Level of a libbpf message, as {@code enum libbpf_print_level} numbers them. */
    public enum PrintLevel {
        WARN,
        INFO,
        DEBUG;

        /** Returns the level of a native {@code libbpf_print_level} value. */
        public static PrintLevel of(int value) {
            return switch (value) {
                case 0 -> WARN;
                case 1 -> INFO;
                default -> DEBUG;
            };
        }
    }

    /** Receiver of libbpf's messages; must not block, since libbpf waits for it. */
    @FunctionalInterface
    public interface PrintSink {

        /** Receives one message; exceptions thrown here are ignored. */
        void print(PrintLevel level, String message);
    }
}
