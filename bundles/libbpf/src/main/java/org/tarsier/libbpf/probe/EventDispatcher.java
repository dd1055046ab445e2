package org.tarsier.libbpf.probe;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

import org.osgi.service.event.EventAdmin;
import org.tarsier.api.Topics;
import org.tarsier.api.event.Event;

/**
 * A bounded queue between a probe's ring-buffer poller and Event Admin, drained by the
 * {@link DeliveryThread} that all probes share, which delivers each event synchronously with
 * {@link EventAdmin#sendEvent}.
 *
 * <p>The poller collects the events of one poll and hands them over with {@link #flush}, so the
 * delivery thread wakes once per poll rather than once per event; a poll that yields
 * {@link #BATCH} events hands them over at once. The poller never waits for handlers: when the
 * queue is full, the events that do not fit are dropped and counted. Handlers receive the
 * probe's events in the order the poller decoded them, on the delivery thread. Events offered
 * while the dispatcher is stopped are dropped and counted too. Synchronous
 * delivery from one thread costs far less per event than {@link EventAdmin#postEvent}, which
 * hands every event to a task per handler.
 */
final class EventDispatcher {

    /** Number of collected events at which the poller hands them over before its poll ends. */
    static final int BATCH = 256;
    private static final long STOP_TIMEOUT_MILLIS = 5_000;

    private final String probe;
    private final int capacity;
    /**
     * Task queue of the delivery thread while started, null while stopped; guarded by this
     * object's lock.
     */
    private LinkedBlockingQueue<Runnable> tasks;
    /** Events handed to the delivery thread and not yet delivered, at most {@link #capacity}. */
    private final AtomicInteger queued = new AtomicInteger();
    private final LongAdder dropped = new LongAdder();
    private final Map<String, String> topics = new ConcurrentHashMap<>();
    private final Consumer<Event> accepted;
    private final Consumer<RuntimeException> handlerFailed;
    /** Events of the current poll; guarded by this object's lock. */
    private List<Event> pending = new ArrayList<>(BATCH);
    private volatile EventAdmin eventAdmin;

    /**
     * Creates a stopped dispatcher.
     *
     * @param probe probe name, the value of {@link Topics#PROPERTY_PROBE}
     * @param capacity maximum number of queued events
     * @param accepted called, under the dispatcher's lock, with each event that found room in
     *        the queue
     * @param handlerFailed called with an exception that escaped Event Admin
     */
    EventDispatcher(String probe, int capacity, Consumer<Event> accepted,
            Consumer<RuntimeException> handlerFailed) {
        this.probe = probe;
        this.capacity = capacity;
        this.accepted = accepted;
        this.handlerFailed = handlerFailed;
    }

    /**
     * Adds an event for delivery through {@code admin}. It is queued at the next {@link #flush},
     * or at once when {@link #BATCH} events wait.
     */
    void offer(EventAdmin admin, Event event) {
        eventAdmin = admin;
        synchronized (this) {
            if (tasks == null) {
                // Stopped: if the unload timed out waiting for the poller, the poller may still
                // decode records of the old session in the round it was in.
                // NOTE: once the probe is loaded again, such late events are delivered with the
                // new session's.
                dropped.increment();
                return;
            }
            pending.add(event);
            if (pending.size() >= BATCH) {
                enqueuePending();
            }
        }
    }

    /** Queues the events added since the last flush, dropping those that do not fit. */
    synchronized void flush() {
        if (!pending.isEmpty()) {
            enqueuePending();
        }
    }

    private void enqueuePending() {
        List<Event> batch = pending;
        pending = new ArrayList<>(BATCH);
        // Only this lock's holder adds to the queue, so the room cannot shrink before the add.
        int room = capacity - queued.get();
        if (room < batch.size()) {
            dropped.add(batch.size() - Math.max(room, 0));
            if (room <= 0) {
                return;
            }
            batch = batch.subList(0, room);
        }
        queued.addAndGet(batch.size());
        batch.forEach(accepted);
        List<Event> delivered = batch;
        tasks.add(() -> deliverAll(delivered));
    }

    /** Returns the number of events dropped because the queue was full. */
    long dropped() {
        return dropped.sum();
    }

    /** Returns the number of events waiting for delivery, whether flushed or not. */
    synchronized int backlog() {
        return queued.get() + pending.size();
    }

    synchronized void start() {
        if (tasks == null) {
            tasks = DeliveryThread.shared().join();
        }
    }

    /**
     * Hands over the events added since the last flush and waits, at most 5 s, until the
     * delivery thread has delivered everything this dispatcher queued, and so also what other
     * probes queued before it.
     */
    void stop() {
        CountDownLatch delivered = new CountDownLatch(1);
        synchronized (this) {
            if (tasks == null) {
                return;
            }
            flush();
            tasks.add(delivered::countDown);
            tasks = null;
            DeliveryThread.shared().leave();
        }
        try {
            delivered.await(STOP_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void deliverAll(List<Event> batch) {
        try {
            for (Event event : batch) {
                deliver(event);
            }
        } finally {
            queued.addAndGet(-batch.size());
        }
    }

    private void deliver(Event event) {
        EventAdmin admin = eventAdmin;
        if (admin == null) {
            return;
        }
        String topic = topics.computeIfAbsent(event.kind(), kind -> event.topic());
        try {
            admin.sendEvent(new org.osgi.service.event.Event(topic, Map.of(
                    Topics.PROPERTY_EVENT, event,
                    Topics.PROPERTY_PROBE, probe,
                    Topics.PROPERTY_CONTAINER_ID, event.container().id())));
        } catch (RuntimeException e) {
            handlerFailed.accept(e);
        }
    }
}
