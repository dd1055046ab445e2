package org.tarsier.libbpf.internal;

/**
 * A call through a downcall handle. {@code MethodHandle.invokeExact} declares {@code Throwable};
 * {@link #invoke} passes on unchecked exceptions and wraps anything else, which a downcall into C
 * never throws.
 *
 * @param <T> the boxed result type
 */
@FunctionalInterface
public interface NativeCall<T> {

    T call() throws Throwable;

    /** Runs {@code call} and returns its result. */
    static <T> T invoke(NativeCall<T> call) {
        try {
            return call.call();
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("native call failed unexpectedly", t);
        }
    }
}
