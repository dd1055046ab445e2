package org.tarsier.console.internal.lifecycle;

import java.util.LinkedHashMap;
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
 */
final class Signals {

    static final String TERM = "TERM";
    static final String INT = "INT";
    static final String HUP = "HUP";

    private final Map<Signal, SignalHandler> previous = new LinkedHashMap<>();

    /**
     * Installs the callback for each named signal and returns the names that could not be
     * handled, for example INT when the JVM was started with {@code -Xrs}.
     */
    synchronized Map<String, String> install(Consumer<String> callback, String... names) {
        Map<String, String> failures = new LinkedHashMap<>();
        for (String name : names) {
            Signal signal = new Signal(name);
            try {
                previous.put(signal, Signal.handle(signal, raised -> callback.accept(name)));
            } catch (IllegalArgumentException e) {
                failures.put(name, e.getMessage());
            }
        }
        return failures;
    }

    /** Puts back the handlers that {@link #install} replaced. */
    synchronized void restore() {
        previous.forEach(Signal::handle);
        previous.clear();
    }
}
