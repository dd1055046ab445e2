package org.tarsier.exporter.internal.alert;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

import org.osgi.service.event.Event;
import org.osgi.service.event.EventHandler;
import org.osgi.service.log.Logger;
import org.tarsier.api.Topics;
import org.tarsier.api.alert.Alert;
import org.tarsier.api.log.RateLimiter;
import org.tarsier.exporter.internal.OutputCounters;

/**
 * Delivers alerts to one destination through a bounded queue drained by one thread.
 *
 * <p>{@link #handleEvent} never waits: an alert that arrives at a full queue is dropped and
 * counted. The thread sends alerts in batches of at most {@code batchSize}. When a send fails
 * with an {@link IOException}, the thread keeps the batch and tries again after a delay that
 * doubles from {@code retryInitialMillis} up to {@code retryMaxMillis}, for as long as the output
 * runs; alerts that arrive meanwhile wait in the queue. A {@link RejectedException} or a runtime
 * exception drops the batch, because sending it again would fail the same way. {@link #close} stops accepting alerts and makes one last attempt to send what is queued
 * within {@code closeTimeoutMillis}; what remains is counted as dropped.
 */
public final class DeliveryQueue implements EventHandler, OutputCounters {

    /** Sends one batch of alerts; throws to report a failure. */
    @FunctionalInterface
    public interface Sender {
        void send(List<Alert> batch) throws IOException;
    }

    /** Queue and retry settings. */
    public record Limits(int capacity, int batchSize, long retryInitialMillis,
            long retryMaxMillis, long closeTimeoutMillis) {
    }

    private static final long POLL_MILLIS = 200;

    private final String output;
    private final Limits limits;
    private final Sender sender;
    private final Logger logger;
    private final BlockingQueue<Alert> queue;
    private final RateLimiter limiter = new RateLimiter(60_000);
    private final LongAdder written = new LongAdder();
    private final LongAdder dropped = new LongAdder();
    private final Thread thread;
    private final Object pause = new Object();
    private volatile boolean accepting = true;
    private volatile boolean closing;
    private volatile boolean failing;

    public DeliveryQueue(String output, Limits limits, Sender sender, Logger logger) {
        this.output = output;
        this.limits = limits;
        this.sender = sender;
        this.logger = logger;
        this.queue = new ArrayBlockingQueue<>(limits.capacity());
        this.thread = new Thread(this::run, "tarsier-" + output + "-sender");
        this.thread.setDaemon(true);
    }

    /** Starts the sender thread. */
    public void start() {
        thread.start();
    }

    @Override
    public void handleEvent(Event event) {
        if (!(event.getProperty(Topics.PROPERTY_ALERT) instanceof Alert alert)) {
            dropped.increment();
            if (limiter.permit("type")) {
                logger.warn("{}: alert event on topic {} has no {} property of type {}; not sent"
                        + " ({} similar messages suppressed)", output, event.getTopic(),
                        Topics.PROPERTY_ALERT, Alert.class.getName(), limiter.suppressed("type"));
            }
            return;
        }
        if (!accepting || !queue.offer(alert)) {
            dropped.increment();
            if (limiter.permit("full")) {
                logger.warn("{}: queue of {} alerts is full, alert {} of rule '{}' dropped ({}"
                        + " similar messages suppressed)", output, limits.capacity(), alert.id(),
                        alert.rule(), limiter.suppressed("full"));
            }
        }
    }

    /** Stops accepting alerts, sends what is queued within the close timeout, and stops. */
    public void close() {
        accepting = false;
        closing = true;
        synchronized (pause) {
            pause.notifyAll();
        }
        try {
            thread.join(limits.closeTimeoutMillis() + 1_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            thread.interrupt();
        }
        int left = queue.size();
        if (left > 0) {
            queue.clear();
            dropped.add(left);
            logger.error("{}: {} queued alerts not sent before the output stopped", output,
                    left);
        }
    }

    /** Returns the number of alerts waiting in the queue. */
    public int queued() {
        return queue.size();
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

    private void run() {
        long closeDeadline = Long.MAX_VALUE;
        try {
            while (!closing || !queue.isEmpty()) {
                if (closing && closeDeadline == Long.MAX_VALUE) {
                    closeDeadline = System.nanoTime()
                            + TimeUnit.MILLISECONDS.toNanos(limits.closeTimeoutMillis());
                }
                List<Alert> batch = nextBatch();
                if (!batch.isEmpty()) {
                    deliver(batch, closeDeadline);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private List<Alert> nextBatch() throws InterruptedException {
        List<Alert> batch = new ArrayList<>();
        Alert first = queue.poll(POLL_MILLIS, TimeUnit.MILLISECONDS);
        if (first != null) {
            batch.add(first);
            queue.drainTo(batch, limits.batchSize() - 1);
        }
        return batch;
    }

    /** Sends {@code batch}, retrying with backoff until it is sent, rejected or too late. */
    private void deliver(List<Alert> batch, long closeDeadline) throws InterruptedException {
        long delay = limits.retryInitialMillis();
        int attempts = 0;
        while (true) {
            attempts++;
            try {
                sender.send(batch);
                written.add(batch.size());
                recovered(attempts);
                return;
            } catch (RejectedException | RuntimeException e) {
                rejected(batch, e);
                return;
            } catch (IOException e) {
                retryLater(batch, attempts, delay, e);
            }
            if (closing && System.nanoTime() - closeDeadline >= 0) {
                dropped.add(batch.size());
                logger.error("{}: {} alerts not sent before the output stopped because the"
                        + " destination still fails", output, batch.size());
                return;
            }
            sleep(delay);
            delay = Math.min(delay * 2, limits.retryMaxMillis());
        }
    }

    private void recovered(int attempts) {
        if (failing) {
            failing = false;
            logger.info("{}: sending works again after {} failed attempts; {} alerts queued",
                    output, attempts - 1, queue.size());
        }
    }

    private void retryLater(List<Alert> batch, int attempts, long delay, IOException e) {
        if (!failing) {
            failing = true;
            limiter.permit("retry");
            logger.warn("{}: failed to send {} alerts, first {}: {}; retrying with backoff up"
                    + " to {} ms, new alerts queue up to {}", output, batch.size(),
                    batch.get(0).id(), e.toString(), limits.retryMaxMillis(), limits.capacity());
        } else if (limiter.permit("retry")) {
            logger.warn("{}: still failing after {} attempts: {}; {} alerts queued, next attempt"
                    + " in {} ms", output, attempts, e.toString(), queue.size(), delay);
        }
    }

    private void rejected(List<Alert> batch, Exception e) {
        dropped.add(batch.size());
        if (limiter.permit("rejected")) {
            logger.error("{}: destination rejected {} alerts, first {}: {}; dropped, not retried"
                    + " ({} similar messages suppressed)", output, batch.size(),
                    batch.get(0).id(), e.toString(), limiter.suppressed("rejected"));
        }
    }

    private void sleep(long millis) throws InterruptedException {
        synchronized (pause) {
            // close() wakes the thread, so the final attempts need not wait a full backoff.
            pause.wait(closing ? Math.min(millis, POLL_MILLIS) : millis);
        }
    }

    /** A failure that sending the same batch again would repeat, such as HTTP 400. */
    public static final class RejectedException extends IOException {
        private static final long serialVersionUID = 1L;

        public RejectedException(String message) {
            super(message);
        }
    }
}
