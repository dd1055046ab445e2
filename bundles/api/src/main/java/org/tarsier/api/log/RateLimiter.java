package org.tarsier.api.log;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Limits repeated log lines to one per key and interval, and counts the ones it held back.
 *
 * <p>Typical use: {@code if (limiter.permit("ringbuf-poll")) logger.warn("... ({} suppressed)",
 * limiter.suppressed("ringbuf-poll"))}. Thread-safe.
 */
public final class RateLimiter {

    private final long intervalNanos;
    private final LongSupplier clock;
    private final ConcurrentHashMap<String, Window> windows = new ConcurrentHashMap<>();

    /** Creates a limiter that permits one line per key every {@code intervalMillis}. */
    public RateLimiter(long intervalMillis) {
        this(intervalMillis, System::nanoTime);
    }

    RateLimiter(long intervalMillis, LongSupplier clock) {
        if (intervalMillis <= 0) {
            throw new IllegalArgumentException("interval must be positive: " + intervalMillis);
        }
        this.intervalNanos = intervalMillis * 1_000_000L;
        this.clock = clock;
    }

    /** Returns whether a line for {@code key} may be logged now; counts it as suppressed if not. */
    public boolean permit(String key) {
        Window window = windows.computeIfAbsent(key, k -> new Window());
        long now = clock.getAsLong();
        synchronized (window) {
            if (window.permitted && now - window.lastPermitNanos < intervalNanos) {
                window.suppressed.incrementAndGet();
                return false;
            }
            window.permitted = true;
            window.lastPermitNanos = now;
            return true;
        }
    }

    /** Returns and resets the number of lines held back for {@code key} since the last permit. */
    public long suppressed(String key) {
        Window window = windows.get(key);
        return window == null ? 0 : window.suppressed.getAndSet(0);
    }

    private static final class Window {
        private boolean permitted;
        private long lastPermitNanos;
        private final AtomicLong suppressed = new AtomicLong();
    }
}
