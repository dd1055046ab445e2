package org.tarsier.exporter.internal.jsonl;

import java.util.concurrent.atomic.LongAdder;

import org.osgi.service.event.Event;
import org.osgi.service.event.EventHandler;
import org.osgi.service.log.Logger;
import org.tarsier.api.log.RateLimiter;
import org.tarsier.exporter.internal.OutputCounters;

/**
 * One JSON-lines output: an Event Admin handler that queues the record carried in one event
 * property to the current {@link JsonlWriter}, and the counts of written and dropped records.
 *
 * <p>The counts survive a change of writer, so they stay monotonic while the output is
 * reconfigured.
 */
final class JsonlStream implements EventHandler, OutputCounters {

    private final String output;
    private final String recordProperty;
    private final Class<?> recordType;
    private final Logger logger;
    private final RateLimiter limiter = new RateLimiter(60_000);
    private final LongAdder written = new LongAdder();
    private final LongAdder dropped = new LongAdder();
    private volatile JsonlWriter writer;

    /**
     * Creates an output that writes the value of {@code recordProperty} of each event when it
     * is an instance of {@code recordType}.
     */
    JsonlStream(String output, String recordProperty, Class<?> recordType, Logger logger) {
        this.output = output;
        this.recordProperty = recordProperty;
        this.recordType = recordType;
        this.logger = logger;
    }

    @Override
    public void handleEvent(Event event) {
        Object record = event.getProperty(recordProperty);
        if (!recordType.isInstance(record)) {
            dropped.increment();
            if (limiter.permit("type " + event.getTopic())) {
                logger.warn("{}: event on topic {} has no {} property of type {}; not written"
                        + " ({} similar messages suppressed)", output, event.getTopic(),
                        recordProperty, recordType.getName(),
                        limiter.suppressed("type " + event.getTopic()));
            }
            return;
        }
        JsonlWriter current = writer;
        if (current == null || !current.offer(record)) {
            dropped.increment();
        }
    }

    /**
     * Replaces the writer: records go to {@code next} from now on, the previous writer writes
     * what it queued and closes, and only then {@code next} starts, so lines stay in order.
     *
     * @param next the new writer, not yet started, or {@code null} to stop writing
     */
    synchronized void replaceWriter(JsonlWriter next) {
        JsonlWriter previous = writer;
        writer = next;
        if (previous != null) {
            previous.close();
        }
        if (next != null) {
            next.start();
        }
    }

    LongAdder writtenCounter() {
        return written;
    }

    LongAdder droppedCounter() {
        return dropped;
    }

    @Override
    public String output() {
        return output;
    }

    @Override
    public long written() {
        return written.sum();
    }

    @Override
    public long dropped() {
        return dropped.sum();
    }
}
