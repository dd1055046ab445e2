package org.tarsier.exporter.internal.alert;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.tarsier.exporter.internal.ConfigReader;

/**
 * Validated settings of an alert output that posts to an HTTP URL.
 *
 * @param enabled whether the output runs
 * @param url destination of the POST requests
 * @param limits queue and retry limits
 * @param timeout connect and request timeout
 */
record HttpOutputSettings(boolean enabled, URI url, DeliveryQueue.Limits limits,
        Duration timeout) {

    static final int DEFAULT_QUEUE_CAPACITY = 1024;
    static final int MAX_QUEUE_CAPACITY = 100_000;
    static final int DEFAULT_RETRY_INITIAL_MILLIS = 500;
    static final int DEFAULT_RETRY_MAX_MILLIS = 30_000;
    static final int DEFAULT_TIMEOUT_MILLIS = 5_000;
    static final int CLOSE_TIMEOUT_MILLIS = 5_000;

    /**
     * Reads the settings from {@code properties}, or adds one message per invalid property to
     * {@code errors} and returns {@code null}.
     */
    static HttpOutputSettings read(String pid, Map<String, ?> properties, String defaultUrl,
            int batchSize, List<String> errors) {
        ConfigReader reader = new ConfigReader(pid, properties);
        boolean enabled = reader.booleanValue("enabled", false);
        String url = reader.stringValue("url", defaultUrl, JsonPoster::isHttpUrl,
                "an http or https URL with a host");
        int capacity = reader.intValue("queue.capacity", DEFAULT_QUEUE_CAPACITY, 1,
                MAX_QUEUE_CAPACITY);
        int retryInitial = reader.intValue("retry.initial.ms", DEFAULT_RETRY_INITIAL_MILLIS, 10,
                3_600_000);
        int retryMax = reader.intValue("retry.max.ms", DEFAULT_RETRY_MAX_MILLIS, 10, 3_600_000);
        int timeout = reader.intValue("timeout.ms", DEFAULT_TIMEOUT_MILLIS, 100, 600_000);
        List<String> problems = new ArrayList<>(reader.errors());
        if (problems.isEmpty() && retryMax < retryInitial) {
            problems.add("invalid configuration of PID " + pid + ": property retry.max.ms is '"
                    + retryMax + "', expected at least retry.initial.ms (" + retryInitial + ")");
        }
        if (!problems.isEmpty()) {
            errors.addAll(problems);
            return null;
        }
        return new HttpOutputSettings(enabled, URI.create(url),
                new DeliveryQueue.Limits(capacity, batchSize, retryInitial, retryMax,
                        CLOSE_TIMEOUT_MILLIS),
                Duration.ofMillis(timeout));
    }

    /** Returns the defaults: disabled, {@code defaultUrl}, default queue and retry limits. */
    static HttpOutputSettings defaults(String defaultUrl, int batchSize) {
        return new HttpOutputSettings(false, URI.create(defaultUrl),
                new DeliveryQueue.Limits(DEFAULT_QUEUE_CAPACITY, batchSize,
                        DEFAULT_RETRY_INITIAL_MILLIS, DEFAULT_RETRY_MAX_MILLIS,
                        CLOSE_TIMEOUT_MILLIS),
                Duration.ofMillis(DEFAULT_TIMEOUT_MILLIS));
    }

    /** Describes the settings for the start and reconfiguration log lines. */
    String describe() {
        return "enabled=" + enabled + ", url=" + url + ", queue.capacity=" + limits.capacity()
                + ", retry.initial.ms=" + limits.retryInitialMillis() + ", retry.max.ms="
                + limits.retryMaxMillis() + ", timeout.ms=" + timeout.toMillis();
    }
}
