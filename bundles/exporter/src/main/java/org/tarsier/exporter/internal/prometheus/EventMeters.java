package org.tarsier.exporter.internal.prometheus;

import java.util.concurrent.ConcurrentHashMap;

import org.osgi.service.log.Logger;
import org.tarsier.api.Topics;
import org.tarsier.api.alert.Alert;
import org.tarsier.api.log.RateLimiter;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Counters of the events and alerts seen on Event Admin, {@code tarsier_events_total} and
 * {@code tarsier_alerts_total}.
 *
 * <p>Counting is a map lookup and an atomic add, so it is safe on Event Admin's delivery threads.
 * Each counter has at most {@link #MAX_SERIES} label sets. Beyond that bound, events with a new
 * label set are not counted and a warning is logged, which keeps a misbehaving publisher from
 * growing the scrape without limit.
 */
final class EventMeters {

    static final String EVENTS = "tarsier.events";
    static final String ALERTS = "tarsier.alerts";
    static final int MAX_SERIES = 2_000;

    /** Label value used when an alert event does not carry an {@link Alert} record. */
    static final String UNKNOWN = "unknown";

    private record AlertLabels(String detector, String rule, String priority) {
    }

    private final MeterRegistry registry;
    private final Logger logger;
    private final RateLimiter limiter = new RateLimiter(60_000);
    private final ConcurrentHashMap<String, Counter> events = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<AlertLabels, Counter> alerts = new ConcurrentHashMap<>();

    EventMeters(MeterRegistry registry, Logger logger) {
        this.registry = registry;
        this.logger = logger;
    }

    /**
     * Counts one event posted on {@code topic}; the {@code probe} label comes from the
     * {@link Topics#PROPERTY_PROBE} property when it is a string and from the topic otherwise.
     */
    void countEvent(String topic, Object probeProperty) {
        String path = topic.substring(Topics.EVENT_PREFIX.length());
        int slash = path.lastIndexOf('/');
        String type = slash < 0 ? UNKNOWN : path.substring(slash + 1);
        String probe = probeProperty instanceof String name ? name
                : slash < 0 ? path : path.substring(0, slash);

        Counter counter = events.get(topic + '\n' + probe);
        if (counter == null) {
            counter = createEventCounter(topic + '\n' + probe, probe, type);
        }
        if (counter != null) {
            counter.increment();
        }
    }

    /** Counts one alert posted on {@code topic} with {@code alertProperty} as its record. */
    void countAlert(String topic, Object alertProperty) {
        AlertLabels labels;
        if (alertProperty instanceof Alert alert) {
            labels = new AlertLabels(alert.detector(), alert.rule(), alert.priority().falcoName());
        } else {
            if (limiter.permit("alert " + topic)) {
                logger.warn("alert on topic {} has no {} property of type {}: counted with rule"
                        + " and priority '{}' ({} similar messages suppressed)", topic,
                        Topics.PROPERTY_ALERT, Alert.class.getName(), UNKNOWN,
                        limiter.suppressed("alert " + topic));
            }
            String detector = topic.substring(Topics.ALERT_PREFIX.length());
            labels = new AlertLabels(detector, UNKNOWN, UNKNOWN);
        }

        Counter counter = alerts.get(labels);
        if (counter == null) {
            counter = createAlertCounter(labels);
        }
        if (counter != null) {
            counter.increment();
        }
    }

    private Counter createEventCounter(String key, String probe, String type) {
        if (events.size() >= MAX_SERIES) {
            warnFull(EVENTS, "probe=" + probe + ", type=" + type);
            return null;
        }
        return events.computeIfAbsent(key, k -> Counter.builder(EVENTS)
                .description("Events posted by the probes on Event Admin, by probe and event type")
                .tag("probe", probe)
                .tag("type", type)
                .register(registry));
    }

    private Counter createAlertCounter(AlertLabels labels) {
        if (alerts.size() >= MAX_SERIES) {
            warnFull(ALERTS, labels.toString());
            return null;
        }
        return alerts.computeIfAbsent(labels, l -> Counter.builder(ALERTS)
                .description("Alerts raised by the detectors, by detector, rule and priority")
                .tag("detector", l.detector())
                .tag("rule", l.rule())
                .tag("priority", l.priority())
                .register(registry));
    }

    private void warnFull(String meter, String labels) {
        if (limiter.permit("full " + meter)) {
            logger.warn("{} already has {} label sets: not counting {} ({} similar messages"
                    + " suppressed)", meter, MAX_SERIES, labels,
                    limiter.suppressed("full " + meter));
        }
    }
}
