package org.tarsier.container.internal;

import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Containers known from Docker's API, kept as tombstones for a while after they are destroyed so
 * that events that arrive late still resolve to a name and image.
 *
 * <p>Every change increments {@link #version()}, which lets callers cache what they derived from
 * the catalog. Thread-safe.
 */
final class ContainerCatalog {

    /** Upper bound on remembered ids that Docker does not know, to bound memory. */
    private static final int MAX_UNKNOWN = 10_000;

    private final LongSupplier nanoClock;
    private final Map<String, Slot> byId = new ConcurrentHashMap<>();
    private final Map<String, Long> unknownUntil = new ConcurrentHashMap<>();
    private final AtomicLong version = new AtomicLong();

    ContainerCatalog(LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
    }

    /** Returns the container, live or tombstoned, or null. */
    DockerContainer get(String id) {
        Slot slot = byId.get(id);
        return slot == null ? null : slot.container;
    }

    /** Stores what Docker reported and revives a tombstone. */
    void put(DockerContainer container) {
        byId.put(container.id(), Slot.live(container));
        unknownUntil.remove(container.id());
        version.incrementAndGet();
    }

    /**
     * Stores the result of an inspect. Inspects may finish out of order with the events, so an
     * existing entry keeps its running state and tombstone from the events, and takes the
     * later start time and the known pid.
     */
    void merge(DockerContainer inspected) {
        byId.compute(inspected.id(), (key, slot) -> {
            if (slot == null) {
                return Slot.live(inspected);
            }
            DockerContainer known = slot.container;
            boolean newer = inspected.startedAt() != null && (known.startedAt() == null
                    || !inspected.startedAt().isBefore(known.startedAt()));
            return slot.with(new DockerContainer(inspected.id(), inspected.name(),
                    inspected.image(), inspected.labels(),
                    newer ? inspected.startedAt() : known.startedAt(),
                    newer && inspected.pid() > 0 ? inspected.pid() : known.pid(),
                    known.running()));
        });
        unknownUntil.remove(inspected.id());
        version.incrementAndGet();
    }

    /** Stores a container only if the catalog has no entry for it yet. */
    void putIfAbsent(DockerContainer container) {
        if (byId.putIfAbsent(container.id(), Slot.live(container)) == null) {
            unknownUntil.remove(container.id());
            version.incrementAndGet();
        }
    }

    /** Marks a container as running or stopped; does nothing for unknown ids. */
    void setRunning(String id, boolean running) {
        byId.computeIfPresent(id, (key, slot) ->
                running ? Slot.live(slot.container.withRunning(true))
                        : slot.with(slot.container.withRunning(false)));
        version.incrementAndGet();
    }

    /** Changes the name of a known container. */
    void rename(String id, String name) {
        byId.computeIfPresent(id, (key, slot) ->
                slot.with(slot.container.withName(name)));
        version.incrementAndGet();
    }

    /** Turns a container into a tombstone that {@link #sweep} removes after the retention. */
    void remove(String id) {
        long now = nanoClock.getAsLong();
        byId.computeIfPresent(id, (key, slot) ->
                new Slot(slot.container.withRunning(false), true, now));
        version.incrementAndGet();
    }

    /**
     * Replaces the running set after a (re)connection: stores the listed containers and turns
     * every other entry into a tombstone, since it stopped or was removed while Docker was not
     * watched.
     */
    void replaceRunning(Collection<DockerContainer> running) {
        Set<String> listed = new HashSet<>();
        for (DockerContainer container : running) {
            listed.add(container.id());
            DockerContainer known = get(container.id());
            // The list lacks start time and pid; keep them from an earlier inspect.
            if (known != null && known.startedAt() != null) {
                put(new DockerContainer(container.id(), container.name(), container.image(),
                        container.labels(), known.startedAt(), known.pid(), true));
            } else {
                put(container);
            }
        }
        for (String id : List.copyOf(byId.keySet())) {
            if (!listed.contains(id) && byId.get(id) instanceof Slot slot && !slot.removed) {
                remove(id);
            }
        }
    }

    /** Deletes tombstones older than {@code retentionNanos} and expired unknown ids. */
    void sweep(long retentionNanos) {
        long now = nanoClock.getAsLong();
        boolean changed = byId.values().removeIf(slot ->
                slot.removed && now - slot.removedNanos >= retentionNanos);
        unknownUntil.values().removeIf(until -> until - now <= 0);
        if (changed) {
            version.incrementAndGet();
        }
    }

    /** Remembers that Docker does not know {@code id}, for {@code ttlNanos}. */
    void markUnknown(String id, long ttlNanos) {
        if (unknownUntil.size() < MAX_UNKNOWN) {
            unknownUntil.put(id, nanoClock.getAsLong() + ttlNanos);
        }
    }

    /** Returns whether Docker recently responded with 404 Not Found for {@code id}. */
    boolean isUnknown(String id) {
        Long until = unknownUntil.get(id);
        return until != null && until - nanoClock.getAsLong() > 0;
    }

    /** Returns the running containers. */
    List<DockerContainer> running() {
        return byId.values().stream()
                .map(slot -> slot.container)
                .filter(DockerContainer::running)
                .toList();
    }

    long version() {
        return version.get();
    }

    /**
     * A catalog entry.
     *
     * @param removed whether the entry is a tombstone
     * @param removedNanos when the entry became a tombstone
     */
    private record Slot(DockerContainer container, boolean removed, long removedNanos) {
        static Slot live(DockerContainer container) {
            return new Slot(container, false, 0);
        }

        Slot with(DockerContainer changed) {
            return new Slot(changed, removed, removedNanos);
        }
    }
}
