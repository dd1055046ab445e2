package org.tarsier.detector.rules.internal;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.tarsier.api.event.Event;
import org.tarsier.detector.rules.internal.eval.ReorderBuffer;

/**
 * Passes events through a {@link ReorderBuffer} to a consumer on one thread of its own. Event
 * Admin's delivery threads only enqueue, and the consumer receives events in kernel timestamp
 * order.
 *
 * <p>The thread sleeps until the first held event is due, and at least {@link #BATCH_NANOS}, so
 * that under a steady stream it wakes about once per 10 ms rather than once per event. An
 * offer wakes it only when it waits without a deadline (nothing held), when the delay is 0, when
 * the buffer is over capacity, or when the new event is due more than 10 ms before the thread
 * wakes. The last happens only after the delay was shortened, because with one delay a new
 * event is due no earlier than those held. So an event is held at most the delay plus 10 ms.
 */
final class EventSequencer implements AutoCloseable {

    /** Maximum events held; at 10,000 events per second a 50 ms delay keeps about 500. */
    static final int CAPACITY = 65_536;
    /** Minimum sleep of the thread while events are held. */
    static final long BATCH_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ReorderBuffer buffer;
    private final Consumer<Event> consumer;
    private final Thread thread;
    private boolean closed;
    private long delayNanos;
    private long signals;
    /**
     * Time when the waiting thread wakes by itself, or {@code Long.MAX_VALUE} while it waits for
     * an offer.
     */
    private long wakeAtNanos = Long.MAX_VALUE;

    /**
     * Starts the thread.
     *
     * @param delayMillis how long an event is held at most, in milliseconds
     * @param consumer called on the sequencer's thread, one event at a time
     */
    EventSequencer(long delayMillis, Consumer<Event> consumer, String threadName) {
        this.delayNanos = TimeUnit.MILLISECONDS.toNanos(delayMillis);
        this.buffer = new ReorderBuffer(delayNanos, CAPACITY, System::nanoTime);
        this.consumer = consumer;
        this.thread = Thread.ofPlatform().name(threadName).daemon().unstarted(this::run);
        thread.start();
    }

    /** Queues an event. The caller waits only for the lock, not for the consumer. */
    void offer(Event event) {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            boolean wasEmpty = buffer.size() == 0;
            buffer.add(event);
            boolean dueBeforeWake = wakeAtNanos != Long.MAX_VALUE
                    && wakeAtNanos - (System.nanoTime() + delayNanos) > BATCH_NANOS;
            if (wasEmpty || delayNanos == 0 || buffer.size() > CAPACITY || dueBeforeWake) {
                signals++;
                changed.signal();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Sets how long events are held at most, for events that arrive from now on. */
    void setDelayMillis(long delayMillis) {
        lock.lock();
        try {
            delayNanos = TimeUnit.MILLISECONDS.toNanos(delayMillis);
            // Held events keep their deadlines. offer() wakes the thread for an earlier new one.
            buffer.setDelayNanos(delayNanos);
        } finally {
            lock.unlock();
        }
    }

    /** Returns the events held now. */
    int held() {
        return withLock(buffer::size);
    }

    /** Returns the events that arrived too late to be put in order. */
    long lateEvents() {
        return withLock(buffer::lateEvents);
    }

    /** Returns the events released early because the buffer was full. */
    long forcedReleases() {
        return withLock(buffer::forcedReleases);
    }

    /** Returns how many times an offer or a delay change woke the thread. */
    long signals() {
        return withLock(() -> signals);
    }

    private <T> T withLock(Supplier<T> read) {
        lock.lock();
        try {
            return read.get();
        } finally {
            lock.unlock();
        }
    }

    private void run() {
        while (true) {
            List<Event> due;
            lock.lock();
            try {
                due = awaitDue();
                if (due == null) {
                    return;
                }
            } catch (InterruptedException e) {
                return;
            } finally {
                lock.unlock();
            }
            due.forEach(consumer);
        }
    }

    /** Waits until events are due and returns them, or returns null once closed and drained. */
    private List<Event> awaitDue() throws InterruptedException {
        while (true) {
            if (closed) {
                List<Event> rest = buffer.releaseAll();
                return rest.isEmpty() ? null : rest;
            }
            long wait = buffer.nanosUntilNextRelease();
            if (wait == 0) {
                return buffer.releaseDue();
            }
            if (wait == Long.MAX_VALUE) {
                wakeAtNanos = Long.MAX_VALUE;
                changed.await();
            } else {
                long sleep = Math.max(wait, BATCH_NANOS);
                wakeAtNanos = System.nanoTime() + sleep;
                changed.awaitNanos(sleep);
            }
        }
    }

    /** Evaluates the held events at once, then stops the thread. */
    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            changed.signal();
        } finally {
            lock.unlock();
        }
        try {
            thread.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
