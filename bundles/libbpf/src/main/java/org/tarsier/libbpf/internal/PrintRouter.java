package org.tarsier.libbpf.internal;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.ArrayList;
import java.util.List;

import org.tarsier.libbpf.Libbpf.PrintLevel;
import org.tarsier.libbpf.Libbpf.PrintSink;

/**
 * Receives libbpf's print callback and passes each message, formatted, to the current sink.
 *
 * <p>libbpf calls {@code int print(enum libbpf_print_level, const char *format, va_list args)}.
 * Java cannot walk a {@code va_list}, so the callback hands it to the C library's
 * {@code vasprintf}, which formats the whole message into memory it allocates. On x86-64 (tested
 * here) a {@code va_list} parameter is a pointer to the list, and AAPCS64 also passes arm64's
 * 32-byte {@code va_list} by reference (untested), so the upcall passes that pointer on unchanged.
 * It uses the list once, because a consumed {@code va_list} cannot be read again.
 *
 * <p>The upcall stub lives in the global arena and is installed once per class loader: freeing it
 * while another thread is inside libbpf could crash the JVM.
 */
public final class PrintRouter {

    /** Maximum length of a message passed to a sink; longer ones keep their end. */
    static final int MAX_MESSAGE_CHARS = 64 * 1024;

    /** Warnings kept per capture, the last ones. */
    private static final int MAX_CAPTURED = 32;

    private static final PrintSink DISCARD = (level, message) -> { };
    private static final ThreadLocal<Capture> CAPTURE = new ThreadLocal<>();
    private static volatile PrintSink sink = DISCARD;

    static {
        MethodHandle target;
        try {
            target = MethodHandles.lookup().findStatic(PrintRouter.class, "print",
                    MethodType.methodType(
                            int.class, int.class, MemorySegment.class, MemorySegment.class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
        MemorySegment stub = Native.upcall(target,
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS), Arena.global());
        NativeCall.invoke(() -> (MemorySegment) Native.SET_PRINT.invokeExact(stub));
    }

    private PrintRouter() {
    }

    /** Installs the print callback in libbpf if this class has not done so yet. */
    public static void install() {
        // The static initializer does the work; calling this method runs it.
    }

    /** Sets the sink that receives every libbpf message; {@code null} discards them. */
    public static void setSink(PrintSink newSink) {
        sink = newSink == null ? DISCARD : newSink;
    }

    /**
     * Starts collecting the warnings that libbpf prints on this thread, until the capture is
     * closed. Captures do not nest: an inner capture replaces the outer one while it is open.
     */
    public static Capture capture() {
        Capture capture = new Capture(CAPTURE.get());
        CAPTURE.set(capture);
        return capture;
    }

    private static int print(int level, MemorySegment format, MemorySegment args) {
        try {
            String message = trim(format(format, args));
            PrintLevel printLevel = PrintLevel.of(level);
            Capture capture = CAPTURE.get();
            if (capture != null && printLevel == PrintLevel.WARN) {
                capture.add(message);
            }
            sink.print(printLevel, message);
        } catch (Throwable t) {
            // An exception must not unwind into C: the JVM would terminate.
        }
        return 0;
    }

    private static String format(MemorySegment format, MemorySegment args) throws Throwable {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment result = arena.allocate(ADDRESS);
            int length = (int) Native.VASPRINTF.invokeExact(result, format, args);
            if (length < 0) {
                return "(libbpf message could not be formatted: " + Native.string(format) + ")";
            }
            MemorySegment text = result.get(ADDRESS, 0);
            try {
                return Native.string(text);
            } finally {
                Native.FREE.invokeExact(text);
            }
        }
    }

    /**
     * Removes trailing whitespace and cuts the start of long messages, such as verifier logs,
     * whose end reports the failure.
     */
    static String trim(String message) {
        String trimmed = message.stripTrailing();
        if (trimmed.length() <= MAX_MESSAGE_CHARS) {
            return trimmed;
        }
        int cut = trimmed.length() - MAX_MESSAGE_CHARS;
        return "[" + cut + " characters cut] " + trimmed.substring(cut);
    }

    /** Warnings collected on one thread while the capture is open. */
    public static final class Capture implements AutoCloseable {

        private final Capture outer;
        private final List<String> warnings = new ArrayList<>();

        private Capture(Capture outer) {
            this.outer = outer;
        }

        private void add(String message) {
            if (warnings.size() == MAX_CAPTURED) {
                warnings.removeFirst();
            }
            warnings.add(message);
        }

        /** Returns the warnings collected so far, oldest first. */
        public List<String> warnings() {
            return List.copyOf(warnings);
        }

        @Override
        public void close() {
            if (outer == null) {
                CAPTURE.remove();
            } else {
                CAPTURE.set(outer);
            }
        }
    }
}
