package org.tarsier.libbpf.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.osgi.service.event.EventAdmin;
import org.tarsier.api.Topics;
import org.tarsier.api.container.ContainerInfo;
import org.tarsier.api.event.Event;
import org.tarsier.api.event.EventHeader;
import org.tarsier.api.event.ForkEvent;

/** The hand-over of a poll's events to the delivery thread, its bound and its stop. */
class EventDispatcherTest {

    private static final long WAIT_MILLIS = 5_000;

    /** Receives the events on the dispatcher thread, as Felix's sendEvent does. */
    private static final class Receiver implements EventAdmin {
        final List<Long> pids = new CopyOnWriteArrayList<>();
        final List<String> threads = new CopyOnWriteArrayList<>();
        final List<Thread> threadObjects = new CopyOnWriteArrayList<>();
        volatile CountDownLatch gate = new CountDownLatch(0);

        @Override
        public void postEvent(org.osgi.service.event.Event event) {
            throw new AssertionError("the dispatcher must deliver synchronously");
        }

        @Override
        public void sendEvent(org.osgi.service.event.Event event) {
            try {
                gate.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            Event tarsier = (Event) event.getProperty(Topics.PROPERTY_EVENT);
            pids.add((long) tarsier.header().pid());
            threads.add(Thread.currentThread().getName());
            threadObjects.add(Thread.currentThread());
        }

        void awaitCount(int count) throws InterruptedException {
            awaitSize(pids, count);
        }
    }

    /** Waits until {@code list} contains {@code count} elements, at most {@link #WAIT_MILLIS}. */
    private static void awaitSize(List<?> list, int count) throws InterruptedException {
        long end = System.currentTimeMillis() + WAIT_MILLIS;
        while (list.size() < count && System.currentTimeMillis() < end) {
            Thread.sleep(5);
        }
        assertEquals(count, list.size(), "events delivered");
    }

    private static Event fork(int pid) {
        return new ForkEvent(new EventHeader(pid, 4242, pid, pid, 1, 0, 0, "parent"),
                ContainerInfo.HOST_INFO, pid + 1, pid + 1);
    }

    private static List<Long> range(int from, int to) {
        List<Long> pids = new ArrayList<>();
        for (long pid = from; pid < to; pid++) {
            pids.add(pid);
        }
        return pids;
    }

    @Test
    void pollEventsDeliveredTogetherAfterFlush() throws Exception {
        Receiver receiver = new Receiver();
        AtomicInteger accepted = new AtomicInteger();
        EventDispatcher dispatcher = new EventDispatcher("unit", 100,
                event -> accepted.incrementAndGet(), e -> { throw e; });
        dispatcher.start();
        try {
            for (int pid = 1; pid <= 5; pid++) {
                dispatcher.offer(receiver, fork(pid));
            }
            Thread.sleep(100);
            assertEquals(List.of(), receiver.pids, "delivered before the poll ended");
            assertEquals(5, dispatcher.backlog());

            dispatcher.flush();
            receiver.awaitCount(5);

            assertEquals(range(1, 6), receiver.pids);
            assertEquals(List.of(DeliveryThread.THREAD_NAME), receiver.threads.stream()
                    .distinct().toList());
            assertEquals(5, accepted.get());
            assertEquals(0, dispatcher.dropped());
        } finally {
            dispatcher.stop();
        }
    }

    @Test
    void fullBatchHandedOverWithoutFlush() throws Exception {
        Receiver receiver = new Receiver();
        EventDispatcher dispatcher = new EventDispatcher("unit", 1_000, event -> { },
                e -> { throw e; });
        dispatcher.start();
        try {
            for (int pid = 1; pid <= EventDispatcher.BATCH + 3; pid++) {
                dispatcher.offer(receiver, fork(pid));
            }
            receiver.awaitCount(EventDispatcher.BATCH);
            Thread.sleep(100);
            assertEquals(EventDispatcher.BATCH, receiver.pids.size(), "the last 3 wait");

            dispatcher.flush();
            receiver.awaitCount(EventDispatcher.BATCH + 3);
            assertEquals(range(1, EventDispatcher.BATCH + 4), receiver.pids);
        } finally {
            dispatcher.stop();
        }
    }

    @Test
    void eventsBeyondCapacityDroppedAndCounted() throws Exception {
        Receiver receiver = new Receiver();
        receiver.gate = new CountDownLatch(1);
        AtomicInteger accepted = new AtomicInteger();
        EventDispatcher dispatcher = new EventDispatcher("unit", 3,
                event -> accepted.incrementAndGet(), e -> { throw e; });
        dispatcher.start();
        try {
            dispatcher.offer(receiver, fork(1));
            dispatcher.offer(receiver, fork(2));
            dispatcher.flush();
            // the first two stay queued while the handler blocks, so one more fits
            for (int pid = 3; pid <= 6; pid++) {
                dispatcher.offer(receiver, fork(pid));
            }
            dispatcher.flush();
            assertEquals(3, dispatcher.dropped());
            assertEquals(3, accepted.get());

            receiver.gate.countDown();
            receiver.awaitCount(3);
            assertEquals(List.of(1L, 2L, 3L), receiver.pids);

            dispatcher.offer(receiver, fork(7));
            dispatcher.flush();
            receiver.awaitCount(4);
            assertEquals(7L, receiver.pids.get(3), "room again once delivered");
            assertEquals(3, dispatcher.dropped());
        } finally {
            dispatcher.stop();
        }
    }

    @Test
    void idleThreadWaitsUntimed() throws Exception {
        EventDispatcher dispatcher = new EventDispatcher("unit-idle", 100, event -> { },
                e -> { throw e; });
        dispatcher.start();
        try {
            Thread thread = DeliveryThread.shared().thread();
            long end = System.currentTimeMillis() + WAIT_MILLIS;
            while (thread.getState() != Thread.State.WAITING
                    && System.currentTimeMillis() < end) {
                Thread.sleep(5);
            }

            assertEquals(Thread.State.WAITING, thread.getState());
        } finally {
            dispatcher.stop();
        }
    }

    @Test
    void stopDeliversQueuedEvents() throws Exception {
        Receiver receiver = new Receiver();
        receiver.gate = new CountDownLatch(1);
        EventDispatcher dispatcher = new EventDispatcher("unit-stop", 100, event -> { },
                e -> { throw e; });
        dispatcher.start();
        Thread thread = DeliveryThread.shared().thread();
        for (int pid = 1; pid <= 4; pid++) {
            dispatcher.offer(receiver, fork(pid));
        }
        dispatcher.flush();
        Thread.ofPlatform().start(() -> {
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            receiver.gate.countDown();
        });

        dispatcher.stop();

        assertEquals(range(1, 5), receiver.pids, "stop waited for the queued events");
        assertTrue(thread.join(java.time.Duration.ofSeconds(1)), "thread ended");
        assertEquals(0, dispatcher.backlog());
    }

    @Test
    void dispatchersShareOneThread() throws Exception {
        Receiver receiver = new Receiver();
        EventDispatcher first = new EventDispatcher("unit-first", 100, event -> { },
                e -> { throw e; });
        EventDispatcher second = new EventDispatcher("unit-second", 100, event -> { },
                e -> { throw e; });
        first.start();
        second.start();
        Thread thread = DeliveryThread.shared().thread();
        try {
            first.offer(receiver, fork(1));
            second.offer(receiver, fork(2));
            first.flush();
            second.flush();
            receiver.awaitCount(2);

            first.stop();
            second.offer(receiver, fork(3));
            second.flush();
            receiver.awaitCount(3);
        } finally {
            first.stop();
            second.stop();
        }

        assertEquals(range(1, 4), receiver.pids);
        assertEquals(List.of(thread), receiver.threadObjects.stream().distinct().toList());
        assertTrue(thread.join(java.time.Duration.ofSeconds(1)), "thread after the last stop");
        assertEquals(null, DeliveryThread.shared().thread(), "current thread after the last stop");
    }

    @Test
    void eventsOfferedAfterStopDropped() throws Exception {
        Receiver receiver = new Receiver();
        AtomicInteger accepted = new AtomicInteger();
        EventDispatcher dispatcher = new EventDispatcher("unit-late", 1_000,
                event -> accepted.incrementAndGet(), e -> { throw e; });
        dispatcher.start();
        dispatcher.offer(receiver, fork(1));
        // not flushed: the stop hands the event over before the thread ends
        dispatcher.stop();
        assertEquals(List.of(1L), receiver.pids, "delivered by the stop");

        // as a poller whose join timed out at unload would
        for (int pid = 2; pid < 5 + EventDispatcher.BATCH; pid++) {
            dispatcher.offer(receiver, fork(pid));
        }
        dispatcher.flush();
        Thread.sleep(100);

        assertEquals(List.of(1L), receiver.pids, "nothing delivered after the stop");
        assertEquals(3 + EventDispatcher.BATCH, dispatcher.dropped(), "dropped");
        assertEquals(1, accepted.get(), "accepted");
        assertEquals(0, dispatcher.backlog(), "backlog");
    }

    @Test
    void threadOfTimedOutStopLeavesNextSession() throws Exception {
        CountDownLatch firstGate = new CountDownLatch(1);
        List<Thread> deliverers = new CopyOnWriteArrayList<>();
        List<Long> delivered = new CopyOnWriteArrayList<>();
        EventAdmin admin = new EventAdmin() {
            @Override
            public void postEvent(org.osgi.service.event.Event event) {
                throw new AssertionError("the dispatcher must deliver synchronously");
            }

            @Override
            public void sendEvent(org.osgi.service.event.Event event) {
                Event tarsier = (Event) event.getProperty(Topics.PROPERTY_EVENT);
                if (tarsier.header().pid() == 1) {
                    try {
                        firstGate.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                deliverers.add(Thread.currentThread());
                delivered.add((long) tarsier.header().pid());
            }
        };
        EventDispatcher dispatcher = new EventDispatcher("unit-restart", 100, event -> { },
                e -> { throw e; });
        dispatcher.start();
        Thread first = DeliveryThread.shared().thread();
        dispatcher.offer(admin, fork(1));
        dispatcher.flush();
        // the handler blocks the first thread, so this stop times out
        dispatcher.stop();

        dispatcher.start();
        dispatcher.offer(admin, fork(2));
        dispatcher.flush();
        awaitSize(delivered, 1);
        firstGate.countDown();

        assertTrue(first.join(java.time.Duration.ofSeconds(2)), "first thread ended");
        assertEquals(List.of(2L, 1L), delivered);
        assertNotSame(first, deliverers.get(0), "thread of the second session's event");
        dispatcher.offer(admin, fork(3));
        dispatcher.flush();
        awaitSize(delivered, 3);
        assertEquals(List.of(2L, 1L, 3L), delivered);
        dispatcher.stop();
    }
}
