package org.tarsier.detector.rules.internal.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.tarsier.api.event.Event;

class ReorderBufferTest {

    private static final long MS = 1_000_000L;

    private long now;
    private final ReorderBuffer buffer = new ReorderBuffer(50 * MS, 4, () -> now);

    private static Event at(long timeMillis) {
        return Events.fork(Events.CONTAINER, timeMillis * MS, 100, 101);
    }

    private static List<Long> times(List<Event> events) {
        return events.stream().map(e -> e.header().timeNanos() / MS).toList();
    }

    @Test
    void holdsEventUntilDelayPassed() {
        buffer.add(at(1_000));
        now = 49 * MS;

        assertEquals(List.of(), buffer.releaseDue());
        assertEquals(MS, buffer.nanosUntilNextRelease());
    }

    @Test
    void releasesInTimestampOrder() {
        buffer.add(at(1_005));
        now = 10 * MS;
        buffer.add(at(1_000));
        buffer.add(at(1_003));
        now = 50 * MS;

        assertEquals(List.of(1_000L, 1_003L, 1_005L), times(buffer.releaseDue()));
    }

    @Test
    void dueEventReleasesEarlierOnesHeldLess() {
        buffer.add(at(1_010));
        now = 40 * MS;
        buffer.add(at(1_000));
        buffer.add(at(1_020));
        now = 50 * MS;

        assertEquals(List.of(1_000L, 1_010L), times(buffer.releaseDue()));
        assertEquals(1, buffer.size());
    }

    @Test
    void eventBeforeReleasedOneIsLate() {
        buffer.add(at(1_010));
        now = 50 * MS;
        buffer.releaseDue();
        buffer.add(at(1_000));

        assertEquals(List.of(1_000L), times(buffer.releaseDue()));
        assertEquals(1, buffer.lateEvents());
    }

    @Test
    void fullBufferReleasesEarliestEarly() {
        for (long t = 1_000; t < 1_006; t++) {
            buffer.add(at(t));
        }

        assertEquals(List.of(1_000L, 1_001L), times(buffer.releaseDue()));
        assertEquals(2, buffer.forcedReleases());
    }

    @Test
    void zeroDelayReleasesAtOnce() {
        ReorderBuffer direct = new ReorderBuffer(0, 4, () -> now);
        direct.add(at(1_000));

        assertEquals(0, direct.nanosUntilNextRelease());
        assertEquals(List.of(1_000L), times(direct.releaseDue()));
    }

    @Test
    void releaseAllEmptiesInOrder() {
        buffer.add(at(1_002));
        buffer.add(at(1_001));

        assertEquals(List.of(1_001L, 1_002L), times(buffer.releaseAll()));
        assertEquals(Long.MAX_VALUE, buffer.nanosUntilNextRelease());
    }
}
