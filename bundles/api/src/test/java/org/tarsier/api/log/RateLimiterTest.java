package org.tarsier.api.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

class RateLimiterTest {

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final RateLimiter limiter = new RateLimiter(1000, now::get);

    @Test
    void firstLinePermitted() {
        assertTrue(limiter.permit("a"));
    }

    @Test
    void repeatWithinIntervalSuppressed() {
        limiter.permit("a");
        now.addAndGet(500_000_000L);

        assertFalse(limiter.permit("a"));
        assertFalse(limiter.permit("a"));
        assertEquals(2, limiter.suppressed("a"));
        assertEquals(0, limiter.suppressed("a"));
    }

    @Test
    void repeatAfterIntervalPermitted() {
        limiter.permit("a");
        now.addAndGet(1_000_000_000L);

        assertTrue(limiter.permit("a"));
    }

    @Test
    void keysLimitedSeparately() {
        limiter.permit("a");

        assertTrue(limiter.permit("b"));
    }
}
