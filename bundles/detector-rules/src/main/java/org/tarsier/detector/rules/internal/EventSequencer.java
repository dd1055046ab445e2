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
 */
final class EventSequencer implements AutoCloseable {

    /** Maximum events held; at 10,000 events per second a 50 ms delay keeps about 500. */
    static final int CAPACITY = 65_536;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ReorderBuffer buffer;
    private final Consumer<Event> consumer;
    private final Thread thread;
    private boolean closed;

    /**
     * Starts the thread.
     *
     * @param delayMillis how long an event is held at most, in milliseconds
     * @param consumer called on the sequencer's thread, one event at a time
     */
    EventSequencer(long delayMillis, Consumer<Event> consumer, String threadName) {
        this.buffer = new ReorderBuffer(TimeUnit.MILLISECONDS.toNanos(delayMillis), CAPACITY,
                System::nanoTime);
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
            buffer.add(event);
            changed.signal();
        } finally {
            lock.unlock();
        }
    }

    /** Sets how long events are held at most, for events that arrive from now on. */
    void setDelayMillis(long delayMillis) {
        lock.lock();
        try {
            buffer.setDelayNanos(TimeUnit.MILLISECONDS.toNanos(delayMillis));
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
                changed.await();
            } else {
                changed.awaitNanos(wait);
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
