package org.tarsier.console.internal.lifecycle;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Replaces the JVM's handlers of SIGTERM, SIGINT and SIGHUP with one callback, and puts the
 * previous handlers back on {@link #restore}.
 *
 * <p>The JVM's own SIGTERM handler runs the shutdown hooks and exits with status 143; replacing
 * it lets the agent stop in order and choose its exit status. This class uses
 * {@code sun.misc.Signal} from the {@code jdk.unsupported} module, which the framework exports
 * when {@code sun.misc} is in {@code org.osgi.framework.system.packages.extra}.
 *
 * <p>A signal that the parent process set to be ignored (as {@code nohup} does for SIGHUP) is
 * inherited ignored, and the JVM then accepts a handler without installing it. Such a signal is
 * first reset to its default action through libc's {@code signal}, so that the handler works.
 */
final class Signals {

    static final String TERM = "TERM";
    static final String INT = "INT";
    static final String HUP = "HUP";

    private final Map<Signal, SignalHandler> previous = new LinkedHashMap<>();
    private final List<String> wereIgnored = new ArrayList<>();

    /**
     * Installs the callback for each named signal and returns the names that could not be
     * handled, for example INT when the JVM was started with {@code -Xrs}.
     */
    synchronized Map<String, String> install(Consumer<String> callback, String... names) {
        Map<String, String> failures = new LinkedHashMap<>();
        for (String name : names) {
            Signal signal = new Signal(name);
            SignalHandler handler = raised -> callback.accept(name);
            try {
                SignalHandler old = Signal.handle(signal, handler);
                if (old == SignalHandler.SIG_IGN && resetToDefault(signal.getNumber())) {
                    Signal.handle(signal, handler);
                    wereIgnored.add(name);
                }
                previous.put(signal, old);
            } catch (IllegalArgumentException e) {
                failures.put(name, e.getMessage());
            }
        }
        return failures;
    }

    /** Returns the names of the signals that were ignored at start and reset by install. */
    synchronized List<String> wereIgnored() {
        return List.copyOf(wereIgnored);
    }

    /** Sets the signal's action to the default (SIG_DFL). Returns false if libc rejected the call. */
    private static boolean resetToDefault(int number) {
        try {
            Linker linker = Linker.nativeLinker();
            MethodHandle signal = linker.downcallHandle(
                    linker.defaultLookup().findOrThrow("signal"),
                    FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.JAVA_INT,
                            ValueLayout.ADDRESS));
            MemorySegment old = (MemorySegment) signal.invokeExact(number, MemorySegment.NULL);
            return old.address() != -1L;
        } catch (Throwable e) {
            return false;
        }
    }

    /** Puts back the handlers that {@link #install} replaced. */
    synchronized void restore() {
        previous.forEach(Signal::handle);
        previous.clear();
    }
}
