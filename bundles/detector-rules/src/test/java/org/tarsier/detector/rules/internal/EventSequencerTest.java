package org.tarsier.detector.rules.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.tarsier.api.container.ContainerInfo;
import org.tarsier.api.event.Event;
import org.tarsier.api.event.EventHeader;
import org.tarsier.api.event.ForkEvent;

class EventSequencerTest {

    private static Event forkAt(long timeNanos) {
        return new ForkEvent(new EventHeader(timeNanos, 4242, 100, 100, 1, 0, 0, "parent"),
                ContainerInfo.HOST_INFO, 101, 101);
    }

    private static List<Long> times(List<Event> events) {
        return events.stream().map(e -> e.header().timeNanos()).toList();
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertTrue(condition.getAsBoolean(), "condition not met within 10 s");
    }

    @Test
    void heldEventsWakeThreadOnce() throws Exception {
        List<Event> seen = new CopyOnWriteArrayList<>();
        try (EventSequencer sequencer = new EventSequencer(200, seen::add, "test-sequencer")) {
            for (long time = 50; time >= 1; time--) {
                sequencer.offer(forkAt(time));
            }

            assertEquals(1, sequencer.signals(), "signals for 50 offers");
            await(() -> seen.size() == 50);
        }

        assertEquals(LongStream.rangeClosed(1, 50).boxed().toList(), times(seen));
    }

    @Test
    void zeroDelayWakesThreadPerEvent() throws Exception {
        List<Event> seen = new CopyOnWriteArrayList<>();
        try (EventSequencer sequencer = new EventSequencer(0, seen::add, "test-sequencer")) {
            for (long time = 1; time <= 3; time++) {
                sequencer.offer(forkAt(time));
                long expected = time;
                await(() -> seen.size() == expected);
            }

            assertEquals(3, sequencer.signals(), "signals for 3 offers");
        }

        assertEquals(List.of(1L, 2L, 3L), times(seen));
    }

    @Test
    void shorterDelayAppliesToHeldWait() throws Exception {
        List<Event> seen = new CopyOnWriteArrayList<>();
        try (EventSequencer sequencer = new EventSequencer(600_000, seen::add, "test-sequencer")) {
            sequencer.offer(forkAt(1));
            // lets the thread go to sleep until the first event is due
            Thread.sleep(200);
            sequencer.setDelayMillis(100);
            sequencer.offer(forkAt(2));

            // the second event is due after 100 ms and releases the first, due in 10 minutes
            await(() -> seen.size() == 2);
        }

        assertEquals(List.of(1L, 2L), times(seen));
    }
}
