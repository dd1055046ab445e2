package org.tarsier.detector.rules.internal.eval;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Alert rate limit per key (rule and container): a token bucket of {@code burst} tokens refilled
 * at {@code ratePerSecond}. At most {@link #MAX_KEYS} buckets are kept, least recently used
 * dropped first, so a dropped key starts again with a full bucket. Not thread-safe.
 */
final class TokenBuckets {

    static final int MAX_KEYS = 10_000;

    private final double ratePerSecond;
    private final double burst;
    private final LongSupplier clock;
    private final Map<String, Bucket> buckets = new LinkedHashMap<>(64, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Bucket> eldest) {
            return size() > MAX_KEYS;
        }
    };

    /** Creates buckets; {@code clock} returns nanoseconds, for example {@code System::nanoTime}. */
    TokenBuckets(double ratePerSecond, int burst, LongSupplier clock) {
        this.ratePerSecond = ratePerSecond;
        this.burst = burst;
        this.clock = clock;
    }

    /**
     * Takes a token for {@code key}.
     *
     * @return -1 when no token is left (the alert is suppressed), else the number of alerts
     *     suppressed for this key since the last one that passed
     */
    long take(String key) {
        long now = clock.getAsLong();
        Bucket bucket = buckets.computeIfAbsent(key, k -> new Bucket(burst, now));
        double refill = (now - bucket.updatedNanos) / 1e9 * ratePerSecond;
        bucket.tokens = Math.min(burst, bucket.tokens + refill);
        bucket.updatedNanos = now;
        if (bucket.tokens < 1) {
            bucket.suppressed++;
            return -1;
        }
        bucket.tokens -= 1;
        long suppressed = bucket.suppressed;
        bucket.suppressed = 0;
        return suppressed;
    }

    private static final class Bucket {
        private double tokens;
        private long updatedNanos;
        private long suppressed;

        Bucket(double tokens, long updatedNanos) {
            this.tokens = tokens;
            this.updatedNanos = updatedNanos;
        }
    }
}
