package org.tarsier.libbpf.probe;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

import org.osgi.service.event.EventAdmin;
import org.tarsier.api.Topics;
import org.tarsier.api.event.Event;

/**
 * A bounded queue between a probe's ring-buffer poller and Event Admin, drained by one thread
 * that delivers each event synchronously with {@link EventAdmin#sendEvent}.
 *
 * <p>The poller never waits for handlers: when the queue is full the event is dropped and
 * counted. Handlers receive the probe's events in the order the poller decoded them, on the
 * dispatcher thread. Synchronous delivery from one thread costs far less per event than
 * {@link EventAdmin#postEvent}, which hands every event to a task per handler.
 */
final class EventDispatcher {

    private static final int BATCH = 256;
    private static final long STOP_TIMEOUT_MILLIS = 5_000;

    private final String probe;
    private final BlockingQueue<Event> queue;
    private final LongAdder dropped = new LongAdder();
    private final Map<String, String> topics = new ConcurrentHashMap<>();
    private final Consumer<RuntimeException> handlerFailed;
    private volatile EventAdmin eventAdmin;
    private volatile boolean running;
    private Thread thread;

    /**
     * Creates a stopped dispatcher.
     *
     * @param probe probe name, the value of {@link Topics#PROPERTY_PROBE}
     * @param capacity maximum number of queued events
     * @param handlerFailed called with an exception that escaped Event Admin
     */
    EventDispatcher(String probe, int capacity, Consumer<RuntimeException> handlerFailed) {
        this.probe = probe;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.handlerFailed = handlerFailed;
    }

    /** Queues an event for delivery through {@code admin}; returns false when it was dropped. */
    boolean offer(EventAdmin admin, Event event) {
        eventAdmin = admin;
        if (queue.offer(event)) {
            return true;
        }
        dropped.increment();
        return false;
    }

    /** Returns the number of events dropped because the queue was full. */
    long dropped() {
        return dropped.sum();
    }

    /** Returns the number of events waiting for delivery. */
    int backlog() {
        return queue.size();
    }

    synchronized void start() {
        if (thread != null) {
            return;
        }
        running = true;
        thread = Thread.ofPlatform().daemon().name("tarsier-" + probe + "-dispatcher")
                .start(this::run);
    }

    /** Delivers what is queued, then stops the thread; waits at most a few seconds. */
    synchronized void stop() {
        if (thread == null) {
            return;
        }
        running = false;
        try {
            thread.join(STOP_TIMEOUT_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        thread = null;
    }

    private void run() {
        List<Event> batch = new ArrayList<>(BATCH);
        while (running || !queue.isEmpty()) {
            try {
                Event first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, BATCH - 1);
                for (Event event : batch) {
                    deliver(event);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } finally {
                batch.clear();
            }
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
