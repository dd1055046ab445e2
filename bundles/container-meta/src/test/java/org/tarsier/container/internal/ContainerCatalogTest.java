package org.tarsier.container.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

class ContainerCatalogTest {

    private static final long SECOND = 1_000_000_000L;

    private final AtomicLong clock = new AtomicLong(1_000 * SECOND);
    private final ContainerCatalog catalog = new ContainerCatalog(clock::get);

    @Test
    void destroyedContainerResolvesUntilTombstoneExpires() {
        catalog.put(container("a", true, null, 0));
        catalog.remove("a");

        clock.addAndGet(59 * SECOND);
        catalog.sweep(60 * SECOND);
        assertNotNull(catalog.get("a"), "tombstone before expiry");

        clock.addAndGet(2 * SECOND);
        catalog.sweep(60 * SECOND);
        assertNull(catalog.get("a"), "tombstone after expiry");
    }

    @Test
    void destroyedContainerIsNotRunning() {
        catalog.put(container("a", true, null, 0));
        catalog.remove("a");

        assertTrue(catalog.running().isEmpty());
    }

    @Test
    void startRevivesTombstone() {
        catalog.put(container("a", true, null, 0));
        catalog.remove("a");
        catalog.setRunning("a", true);

        clock.addAndGet(120 * SECOND);
        catalog.sweep(60 * SECOND);

        assertNotNull(catalog.get("a"));
    }

    @Test
    void lateInspectKeepsRunningStateFromEvents() {
        Instant started = Instant.parse("2026-12-04T15:43:49Z");
        catalog.put(container("a", false, null, 0));
        catalog.setRunning("a", true);

        // An inspect sent at create time completes after the start event.
        catalog.merge(container("a", false, null, 0));

        assertTrue(catalog.get("a").running(), "running after a stale inspect");
        catalog.merge(container("a", true, started, 42));
        assertEquals(started, catalog.get("a").startedAt(), "start time");
        assertEquals(42, catalog.get("a").pid(), "pid");
    }

    @Test
    void relistTombstonesContainersThatVanished() {
        catalog.put(container("a", true, null, 0));
        catalog.put(container("b", true, null, 0));

        catalog.replaceRunning(List.of(container("b", true, null, 0)));

        assertEquals(List.of("b"), catalog.running().stream().map(DockerContainer::id).toList());
        clock.addAndGet(61 * SECOND);
        catalog.sweep(60 * SECOND);
        assertNull(catalog.get("a"), "vanished container after the tombstone period");
    }

    @Test
    void relistKeepsStartTimeFromEarlierInspect() {
        Instant started = Instant.parse("2026-12-04T15:43:49Z");
        catalog.put(container("a", true, started, 7));

        catalog.replaceRunning(List.of(container("a", true, null, 0)));

        assertEquals(started, catalog.get("a").startedAt());
    }

    @Test
    void unknownIdExpires() {
        catalog.markUnknown("x", 30 * SECOND);
        assertTrue(catalog.isUnknown("x"), "unknown within the TTL");

        clock.addAndGet(31 * SECOND);
        assertFalse(catalog.isUnknown("x"), "unknown after the TTL");
    }

    @Test
    void everyChangeAdvancesVersion() {
        long before = catalog.version();

        catalog.put(container("a", true, null, 0));

        assertNotEquals(before, catalog.version());
    }

    private static DockerContainer container(String id, boolean running, Instant startedAt,
            int pid) {
        return new DockerContainer(id, "/" + id, "image", Map.of(), startedAt, pid, running);
    }
}
