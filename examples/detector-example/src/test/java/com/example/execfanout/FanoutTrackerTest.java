package com.example.execfanout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.tarsier.api.alert.Priority;

class FanoutTrackerTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private static Settings settings(int max, long windowSeconds, long intervalSeconds,
            int containers) {
        return new Settings(max, Duration.ofSeconds(windowSeconds),
                Duration.ofSeconds(intervalSeconds), Priority.WARNING, containers);
    }

    private static Instant at(double seconds) {
        return T0.plusMillis(Math.round(seconds * 1000));
    }

    @Test
    void alertsWhenMaximumExceeded() {
        FanoutTracker tracker = new FanoutTracker(settings(3, 10, 60, 10));

        assertNull(tracker.record("c1", "/bin/a", at(0)));
        assertNull(tracker.record("c1", "/bin/b", at(1)));
        assertNull(tracker.record("c1", "/bin/c", at(2)));
        FanoutTracker.Finding finding = tracker.record("c1", "/bin/d", at(3));

        assertNotNull(finding);
        assertEquals(List.of("/bin/a", "/bin/b", "/bin/c", "/bin/d"), finding.binaries());
        assertEquals(at(0), finding.windowStart());
        assertEquals(at(3), finding.time());
    }

    @Test
    void repeatedBinaryNotCounted() {
        FanoutTracker tracker = new FanoutTracker(settings(2, 10, 60, 10));

        for (int i = 0; i < 20; i++) {
            assertNull(tracker.record("c1", i % 2 == 0 ? "/bin/a" : "/bin/b", at(i * 0.1)));
        }
    }

    @Test
    void windowRestartsAfterItsLength() {
        FanoutTracker tracker = new FanoutTracker(settings(2, 10, 0, 10));

        assertNull(tracker.record("c1", "/bin/a", at(0)));
        assertNull(tracker.record("c1", "/bin/b", at(5)));
        assertNull(tracker.record("c1", "/bin/c", at(10)));
        assertNull(tracker.record("c1", "/bin/d", at(11)));
        assertNotNull(tracker.record("c1", "/bin/e", at(12)));
    }

    @Test
    void containersCountedSeparately() {
        FanoutTracker tracker = new FanoutTracker(settings(2, 10, 60, 10));

        assertNull(tracker.record("c1", "/bin/a", at(0)));
        assertNull(tracker.record("c2", "/bin/b", at(0)));
        assertNull(tracker.record("c1", "/bin/c", at(1)));
        assertNull(tracker.record("c2", "/bin/d", at(1)));
        assertEquals(2, tracker.containersTracked());
    }

    @Test
    void oneAlertPerWindow() {
        FanoutTracker tracker = new FanoutTracker(settings(1, 10, 0, 10));

        assertNull(tracker.record("c1", "/bin/a", at(0)));
        assertNotNull(tracker.record("c1", "/bin/b", at(1)));
        assertNull(tracker.record("c1", "/bin/c", at(2)));
    }

    @Test
    void intervalSuppressesNextWindowAlert() {
        FanoutTracker tracker = new FanoutTracker(settings(1, 10, 60, 10));
        tracker.record("c1", "/bin/a", at(0));
        tracker.record("c1", "/bin/b", at(1));

        tracker.record("c1", "/bin/a", at(20));
        assertNull(tracker.record("c1", "/bin/b", at(21)));
        assertEquals(1, tracker.suppressed());

        tracker.record("c1", "/bin/a", at(70));
        FanoutTracker.Finding finding = tracker.record("c1", "/bin/b", at(71));
        assertNotNull(finding);
        assertEquals(1, finding.suppressedBefore());
        assertEquals(0, tracker.suppressed());
    }

    @Test
    void leastRecentContainerDroppedAtMaximum() {
        FanoutTracker tracker = new FanoutTracker(settings(1, 10, 0, 2));
        tracker.record("c1", "/bin/a", at(0));
        tracker.record("c2", "/bin/a", at(1));
        tracker.record("c1", "/bin/a", at(2));

        tracker.record("c3", "/bin/a", at(3));

        assertEquals(2, tracker.containersTracked());
        assertEquals(1, tracker.containersDropped());
        assertNotNull(tracker.record("c1", "/bin/b", at(4)));
        // c2 was dropped, so its window starts over and one binary does not alert yet.
        assertNull(tracker.record("c2", "/bin/b", at(4)));
    }
}
