package org.tarsier.exporter.internal.prometheus;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import org.tarsier.api.container.ContainerInfo;
import org.tarsier.api.detector.Score;
import org.tarsier.api.event.Event;
import org.tarsier.api.event.ExecEvent;
import org.tarsier.api.event.FileEvent;
import org.tarsier.api.event.SyscallCountEvent;
import org.tarsier.api.event.TcpEvent;
import org.tarsier.api.event.TcpOperation;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Per-container meters: syscall, exec, connect and file-operation counters, an info gauge that
 * carries the container's name and image, and the latest detector scores.
 *
 * <p>The label sets are bounded: at most {@code maxContainers} containers have series at a time,
 * besides the host. Events and scores of further containers are counted in
 * {@code tarsier_container_overflow_total} only. {@link #sweep} removes the series of a container
 * once the resolver no longer lists it as running and no event came for {@link #GRACE_SECONDS},
 * or, without a resolver, once no event came for {@code idleSeconds}.
 */
final class ContainerMeters {

    static final String SYSCALLS = "tarsier.container.syscalls";
    static final String EXECS = "tarsier.container.execs";
    static final String CONNECTS = "tarsier.container.connects";
    static final String FILE_OPERATIONS = "tarsier.container.file.operations";
    static final String INFO = "tarsier.container.info";
    static final String SCORE = "tarsier.detector.score";
    static final String THRESHOLD = "tarsier.detector.score.threshold";
    static final String OVERFLOW = "tarsier.container.overflow";
    static final String TRACKED = "tarsier.containers.tracked";

    /** Seconds a stopped container keeps its series, so that late events find them. */
    static final long GRACE_SECONDS = 15;

    /** Maximum number of detector and model pairs with a score series per container. */
    static final int MAX_SCORES_PER_CONTAINER = 16;

    /** Limits of the per-container label sets. */
    record Limits(int maxContainers, long idleSeconds) {
    }

    private final MeterRegistry registry;
    private final LongSupplier clock;
    private final ConcurrentHashMap<String, ContainerSeries> series = new ConcurrentHashMap<>();
    private final Counter overflow;
    private volatile Limits limits;

    ContainerMeters(MeterRegistry registry, Limits limits, LongSupplier clock) {
        this.registry = registry;
        this.limits = limits;
        this.clock = clock;
        this.overflow = Counter.builder(OVERFLOW)
                .description("Events and scores of containers beyond containers.max, counted"
                        + " without per-container series")
                .register(registry);
        Gauge.builder(TRACKED, series, Map::size)
                .description("Containers that have per-container series, the host included")
                .register(registry);
    }

    /** Applies new limits; containers beyond a lower maximum keep their series until swept. */
    void setLimits(Limits next) {
        limits = next;
    }

    /** Counts {@code record} for its container when it is an event this class counts. */
    void countEvent(Object record) {
        switch (record) {
            case SyscallCountEvent counts -> increment(counts.container(), Kind.SYSCALLS,
                    counts.total());
            case ExecEvent exec -> increment(exec.container(), Kind.EXECS, 1);
            case TcpEvent tcp when tcp.operation() == TcpOperation.CONNECT ->
                    increment(tcp.container(), Kind.CONNECTS, 1);
            case FileEvent file -> increment(file.container(), Kind.FILE_OPERATIONS, 1);
            case null, default -> {
                // Other events have no per-container meter.
            }
        }
    }

    /** Sets the score gauges of the score's container, detector and model. */
    void recordScore(Score score) {
        ContainerSeries container = seriesOf(score.container());
        if (container == null || !container.setScore(score)) {
            overflow.increment();
        }
    }

    /**
     * Removes the series of containers that stopped.
     *
     * @param running the containers the resolver lists as running, or {@code null} without a
     *     resolver
     */
    void sweep(Collection<ContainerInfo> running) {
        long now = clock.getAsLong();
        Set<String> runningIds = new HashSet<>();
        if (running != null) {
            running.forEach(container -> runningIds.add(container.id()));
        }
        long idleNanos = running == null ? TimeUnit.SECONDS.toNanos(limits.idleSeconds())
                : TimeUnit.SECONDS.toNanos(GRACE_SECONDS);
        for (ContainerSeries container : List.copyOf(series.values())) {
            boolean stale = !container.isHost() && !runningIds.contains(container.id())
                    && now - container.lastSeenNanos() >= idleNanos;
            if (stale) {
                remove(container);
            }
        }
    }

    /** Removes every per-container series. */
    void clear() {
        List.copyOf(series.values()).forEach(this::remove);
    }

    private void increment(ContainerInfo info, Kind kind, double amount) {
        ContainerSeries container = seriesOf(info);
        if (container == null) {
            overflow.increment(amount);
            return;
        }
        container.increment(kind, amount);
    }

    private ContainerSeries seriesOf(ContainerInfo info) {
        ContainerSeries container = series.get(info.id());
        if (container == null) {
            container = create(info);
            if (container == null) {
                return null;
            }
        }
        container.seen(info, clock.getAsLong());
        return container;
    }

    private synchronized ContainerSeries create(ContainerInfo info) {
        ContainerSeries existing = series.get(info.id());
        if (existing != null) {
            return existing;
        }
        if (!info.isHost() && containerCount() >= limits.maxContainers()) {
            return null;
        }
        ContainerSeries created = new ContainerSeries(info, clock.getAsLong());
        series.put(info.id(), created);
        return created;
    }

    private long containerCount() {
        return series.keySet().stream().filter(id -> !ContainerInfo.HOST.equals(id)).count();
    }

    private synchronized void remove(ContainerSeries container) {
        if (series.remove(container.id(), container)) {
            container.close();
        }
    }

    /** The counted event kinds, with their meter names and descriptions. */
    private enum Kind {
        SYSCALLS(ContainerMeters.SYSCALLS, "Syscalls entered by the tasks of a container,"
                + " counted in the kernel"),
        EXECS(ContainerMeters.EXECS, "Programs executed in a container"),
        CONNECTS(ContainerMeters.CONNECTS, "Outbound TCP connection attempts from a container,"
                + " established or failed"),
        FILE_OPERATIONS(ContainerMeters.FILE_OPERATIONS, "File operations the file probe"
                + " reports in a container: writes, unlinks, renames, permission changes");

        private final String meter;
        private final String description;

        Kind(String meter, String description) {
            this.meter = meter;
            this.description = description;
        }
    }

    /** The series of one container. */
    private final class ContainerSeries {
        private final String id;
        private final String label;
        private final Counter[] counters = new Counter[Kind.values().length];
        private final ConcurrentHashMap<List<String>, ScoreGauges> scores =
                new ConcurrentHashMap<>();
        private volatile long lastSeenNanos;
        private volatile ContainerInfo info;
        private Gauge infoGauge;
        private boolean closed;

        private ContainerSeries(ContainerInfo info, long now) {
            this.id = info.id();
            this.label = info.shortId();
            this.lastSeenNanos = now;
            for (Kind kind : Kind.values()) {
                counters[kind.ordinal()] = Counter.builder(kind.meter)
                        .description(kind.description)
                        .tag("container_id", label)
                        .register(registry);
            }
            this.info = info;
            this.infoGauge = registerInfo(info);
        }

        private String id() {
            return id;
        }

        private boolean isHost() {
            return ContainerInfo.HOST.equals(id);
        }

        private long lastSeenNanos() {
            return lastSeenNanos;
        }

        private void increment(Kind kind, double amount) {
            counters[kind.ordinal()].increment(amount);
        }

        /** Records activity, and replaces the info series when the name or image became known. */
        private void seen(ContainerInfo latest, long now) {
            lastSeenNanos = now;
            if (latest.name().equals(info.name()) && latest.image().equals(info.image())) {
                return;
            }
            synchronized (this) {
                if (closed || latest.name().isEmpty() && latest.image().isEmpty()) {
                    return;
                }
                registry.remove(infoGauge);
                info = latest;
                infoGauge = registerInfo(latest);
            }
        }

        private boolean setScore(Score score) {
            List<String> key = List.of(score.detector(), score.model());
            ScoreGauges gauges = scores.get(key);
            if (gauges == null) {
                synchronized (this) {
                    if (closed || scores.size() >= MAX_SCORES_PER_CONTAINER
                            && !scores.containsKey(key)) {
                        return false;
                    }
                    gauges = scores.computeIfAbsent(key, k -> new ScoreGauges(score, label));
                }
            }
            gauges.set(score);
            return true;
        }

        private Gauge registerInfo(ContainerInfo container) {
            return Gauge.builder(INFO, () -> 1.0)
                    .description("Always 1; carries the name and image of a container that has"
                            + " per-container series")
                    .tag("container_id", label)
                    .tag("container_name", container.name())
                    .tag("image", container.image())
                    .strongReference(true)
                    .register(registry);
        }

        private synchronized void close() {
            closed = true;
            for (Counter counter : counters) {
                registry.remove(counter);
            }
            registry.remove(infoGauge);
            scores.values().forEach(ScoreGauges::close);
            scores.clear();
        }
    }

    /** The score and threshold gauges of one container, detector and model. */
    private final class ScoreGauges {
        private final List<Gauge> gauges = new ArrayList<>();
        private volatile double score = Double.NaN;
        private volatile double threshold = Double.NaN;

        private ScoreGauges(Score first, String containerLabel) {
            gauges.add(Gauge.builder(SCORE, this, s -> s.score)
                    .description("Latest anomaly score of a container's window; higher is more"
                            + " anomalous")
                    .tag("detector", first.detector())
                    .tag("model", first.model())
                    .tag("container_id", containerLabel)
                    .strongReference(true)
                    .register(registry));
            gauges.add(Gauge.builder(THRESHOLD, this, s -> s.threshold)
                    .description("Score at and above which the detector alerts")
                    .tag("detector", first.detector())
                    .tag("model", first.model())
                    .tag("container_id", containerLabel)
                    .strongReference(true)
                    .register(registry));
        }

        private void set(Score latest) {
            score = latest.score();
            threshold = latest.threshold();
        }

        private void close() {
            gauges.forEach(registry::remove);
        }
    }
}
