package org.tarsier.detector.rules.internal.eval;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.function.LongSupplier;
import org.tarsier.api.event.Event;

/**
 * Holds events for a bounded delay and releases them in the order of their kernel timestamps.
 *
 * <p>Each probe writes its events to its own ring buffer, and the poller drains the rings one
 * after the other, so an event of one probe can arrive before an earlier event of another: a
 * connect a few milliseconds after an exec, or runc's mounts before the exec and fork of runc's
 * init. Rules read process state
 * (executable, command line, parent) that exec, fork and exit events update, so they must see
 * these events in the order the kernel produced them.
 *
 * <p>Every event is due {@code delay} after its arrival. When an event falls due, it and every
 * held event with an earlier or equal timestamp are released, earliest timestamp first. So no
 * event waits longer than the delay, and two events come out in kernel order whenever the later
 * one arrived no more than the delay after the earlier one. An event whose timestamp is before
 * one already released can no longer be put in order: it is released at the next call, and
 * counted as late. Beyond {@code capacity} held events the earliest are released before their
 * time, and counted.
 *
 * <p>Timestamps are only compared with each other, and the delay is measured on a separate
 * monotonic clock, so an offset between the kernel's clock and the JVM's does not change how
 * long events wait. Not thread-safe: the caller holds a lock.
 */
public final class ReorderBuffer {

    private final PriorityQueue<Held> byTimestamp = new PriorityQueue<>(
            Comparator.comparingLong(Held::timestampNanos).thenComparingLong(Held::sequence));
    private final PriorityQueue<Held> byDueTime = new PriorityQueue<>(
            Comparator.comparingLong(Held::dueNanos).thenComparingLong(Held::sequence));
    private final int capacity;
    private final LongSupplier clockNanos;
    private long delayNanos;
    private long sequence;
    private long releasedUpToNanos = Long.MIN_VALUE;
    private long lastReleasedNanos = Long.MIN_VALUE;
    private long lateEvents;
    private long forcedReleases;

    /**
     * Creates an empty buffer.
     *
     * @param delayNanos how long an event is held at most, in nanoseconds (0 releases at once)
     * @param capacity events held at most
     * @param clockNanos monotonic clock in nanoseconds, for example {@code System::nanoTime}
     */
    public ReorderBuffer(long delayNanos, int capacity, LongSupplier clockNanos) {
        if (delayNanos < 0 || capacity < 1) {
            throw new IllegalArgumentException("invalid reorder buffer: delay " + delayNanos
                    + " ns, capacity " + capacity);
        }
        this.delayNanos = delayNanos;
        this.capacity = capacity;
        this.clockNanos = clockNanos;
    }

    /** Sets the delay; events already held keep the due time they were given. */
    public void setDelayNanos(long delayNanos) {
        if (delayNanos < 0) {
            throw new IllegalArgumentException("negative reorder delay: " + delayNanos + " ns");
        }
        this.delayNanos = delayNanos;
    }

    /** Adds an event that has just arrived. */
    public void add(Event event) {
        long timestamp = event.header().timeNanos();
        if (timestamp < lastReleasedNanos) {
            lateEvents++;
        }
        Held entry = new Held(event, timestamp, clockNanos.getAsLong() + delayNanos, sequence++);
        byTimestamp.add(entry);
        byDueTime.add(entry);
    }

    /** Removes and returns the events due now, in timestamp order. */
    public List<Event> releaseDue() {
        advanceReleasePoint(clockNanos.getAsLong());
        List<Event> due = new ArrayList<>();
        while (!byTimestamp.isEmpty()) {
            Held head = byTimestamp.peek();
            if (head.timestampNanos <= releasedUpToNanos || lateEvent(head)) {
                due.add(release(byTimestamp.poll()));
            } else if (byTimestamp.size() > capacity) {
                forcedReleases++;
                due.add(release(byTimestamp.poll()));
            } else {
                break;
            }
        }
        return due;
    }

    /** Removes and returns every held event, in timestamp order. */
    public List<Event> releaseAll() {
        List<Event> all = new ArrayList<>(byTimestamp.size());
        while (!byTimestamp.isEmpty()) {
            all.add(release(byTimestamp.poll()));
        }
        byDueTime.clear();
        return all;
    }

    /**
     * Returns nanoseconds until the next event is due: 0 when one is due now, and
     * {@code Long.MAX_VALUE} when the buffer is empty.
     */
    public long nanosUntilNextRelease() {
        if (byTimestamp.isEmpty()) {
            return Long.MAX_VALUE;
        }
        Held head = byTimestamp.peek();
        if (head.timestampNanos <= releasedUpToNanos || lateEvent(head)
                || byTimestamp.size() > capacity) {
            return 0;
        }
        dropReleasedDueTimes();
        return Math.max(0, byDueTime.peek().dueNanos - clockNanos.getAsLong());
    }

    /** Returns the number of events held. */
    public int size() {
        return byTimestamp.size();
    }

    /** Returns the events that arrived after an event with a later timestamp was released. */
    public long lateEvents() {
        return lateEvents;
    }

    /** Returns the events released before their time because the buffer was full. */
    public long forcedReleases() {
        return forcedReleases;
    }

    /** Moves the release point to the latest timestamp among the events due at {@code now}. */
    private void advanceReleasePoint(long now) {
        dropReleasedDueTimes();
        while (!byDueTime.isEmpty() && byDueTime.peek().dueNanos - now <= 0) {
            Held due = byDueTime.poll();
            if (!due.released) {
                releasedUpToNanos = Math.max(releasedUpToNanos, due.timestampNanos);
            }
            dropReleasedDueTimes();
        }
    }

    private void dropReleasedDueTimes() {
        while (!byDueTime.isEmpty() && byDueTime.peek().released) {
            byDueTime.poll();
        }
    }

    private boolean lateEvent(Held entry) {
        return entry.timestampNanos < lastReleasedNanos;
    }

    private Event release(Held entry) {
        entry.released = true;
        lastReleasedNanos = Math.max(lastReleasedNanos, entry.timestampNanos);
        return entry.event;
    }

    /** A held event; {@code sequence} keeps arrival order among equal timestamps. */
    private static final class Held {
        private final Event event;
        private final long timestampNanos;
        private final long dueNanos;
        private final long sequence;
        private boolean released;

        Held(Event event, long timestampNanos, long dueNanos, long sequence) {
            this.event = event;
            this.timestampNanos = timestampNanos;
            this.dueNanos = dueNanos;
            this.sequence = sequence;
        }

        long timestampNanos() {
            return timestampNanos;
        }

        long dueNanos() {
            return dueNanos;
        }

        long sequence() {
            return sequence;
        }
    }
}
