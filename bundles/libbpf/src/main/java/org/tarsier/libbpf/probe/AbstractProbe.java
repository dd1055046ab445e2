package org.tarsier.libbpf.probe;

import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import org.osgi.service.event.EventAdmin;
import org.osgi.service.log.Logger;
import org.tarsier.api.Topics;
import org.tarsier.api.container.ContainerInfo;
import org.tarsier.api.container.ContainerResolver;
import org.tarsier.api.event.Event;
import org.tarsier.api.log.RateLimiter;
import org.tarsier.api.probe.Probe;
import org.tarsier.api.probe.ProbeException;
import org.tarsier.api.probe.ProbeState;
import org.tarsier.api.probe.ProgramStats;
import org.tarsier.libbpf.BpfException;
import org.tarsier.libbpf.BpfProgram;

/**
 * The load and unload state machine of a {@link Probe} whose programs live in one
 * {@link ProbeSession}, with event and drop counting, event posting and container attribution.
 *
 * <p>A subclass is the DS component: it holds the references, validates its configuration,
 * builds the session in {@link #startSession} and calls {@link #post} for each event. This class
 * keeps the state: {@link #load} moves to {@link ProbeState#LOADED}, or to
 * {@link ProbeState#FAILED} with {@link #lastError} and one ERROR log line when libbpf or the
 * kernel rejects something; {@link #unload} moves to {@link ProbeState#UNLOADED} and leaves
 * nothing in the kernel. Drop counts of unloaded sessions are kept, so {@link #dropCounts} covers
 * the time since construction.
 */
public abstract class AbstractProbe implements Probe {

    private static final long LOG_INTERVAL_MILLIS = 60_000;

    /** Maximum number of decoded events waiting for Event Admin delivery. */
    static final int QUEUE_CAPACITY = 65_536;

    /** Drop reason of events that found the user-space delivery queue full. */
    public static final String DROP_QUEUE = "queue";

    private final String name;
    private final List<String> eventKinds;
    private final DropCounters dropCounters;
    private final RateLimiter rateLimiter = new RateLimiter(LOG_INTERVAL_MILLIS);
    private final Map<String, LongAdder> eventCounts = new ConcurrentHashMap<>();
    private final Map<String, Long> dropsOfPastSessions;
    private volatile ProbeState state = ProbeState.UNLOADED;
    private volatile String lastError = "";
    private final EventDispatcher dispatcher;
    private ProbeSession session;

    /**
     * Creates the state machine of an unloaded probe.
     *
     * @param name probe name, the value of {@link Probe#PROPERTY_NAME}
     * @param eventKinds kinds listed by {@link #eventCounts} even before their first event
     * @param dropCounters the drop map of the probe's BPF object
     */
    protected AbstractProbe(String name, List<String> eventKinds, DropCounters dropCounters) {
        this.name = name;
        this.eventKinds = List.copyOf(eventKinds);
        this.dropCounters = dropCounters;
        this.dropsOfPastSessions = dropCounters.zeros();
        this.dispatcher = new EventDispatcher(name, QUEUE_CAPACITY,
                event -> eventCounts.computeIfAbsent(event.kind(), kind -> new LongAdder())
                        .increment(),
                e -> warnLimited("deliver", "an event handler of the " + name
                        + " probe's events failed: {}", e));
        for (String kind : eventKinds) {
            eventCounts.put(kind, new LongAdder());
        }
    }

    /** Returns the logger that DS injected into the component. */
    protected abstract Logger logger();

    /**
     * Builds and starts a session with the current settings.
     *
     * @throws BpfException if libbpf or the kernel rejects a step; nothing may stay loaded
     */
    protected abstract ProbeSession startSession() throws BpfException;

    /**
     * Returns drops counted in user space, such as records that failed to decode; they are added
     * to the kernel's counters in {@link #dropCounts}. Empty by default.
     */
    protected Map<String, Long> dropCountsOutsideKernel() {
        return Map.of();
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final ProbeState state() {
        return state;
    }

    @Override
    public final String lastError() {
        return lastError;
    }

    @Override
    public final synchronized void load() throws ProbeException {
        if (session != null) {
            return;
        }
        dispatcher.start();
        try {
            session = startSession();
            session.afterPolls(dispatcher::flush);
        } catch (BpfException | RuntimeException e) {
            dispatcher.stop();
            state = ProbeState.FAILED;
            lastError = e.getMessage();
            logger().error("failed to load the {} probe: {}", name, e.getMessage(), e);
            throw new ProbeException(name + " probe: " + e.getMessage(), e);
        }
        state = ProbeState.LOADED;
        lastError = "";
        logger().info("{} probe loaded: {}", name, session.programs());
    }

    @Override
    public final synchronized void unload() {
        if (session == null) {
            return;
        }
        ProbeSession closing = session;
        session = null;
        closing.stop();
        dispatcher.flush();
        dispatcher.stop();
        retireDropCounts(closing);
        closing.close();
        state = ProbeState.UNLOADED;
        logger().info("{} probe unloaded", name);
    }

    @Override
    public final synchronized List<String> programs() {
        return session == null ? List.of() : session.programs();
    }

    @Override
    public final Map<String, Long> eventCounts() {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (String kind : eventKinds) {
            counts.put(kind, eventCounts.get(kind).sum());
        }
        Map<String, Long> others = new TreeMap<>();
        eventCounts.forEach((kind, count) -> {
            if (!counts.containsKey(kind)) {
                others.put(kind, count.sum());
            }
        });
        counts.putAll(others);
        return counts;
    }

    /**
     * Returns the drops since construction: the kernel's counters of past and current sessions,
     * then {@link #dropCountsOutsideKernel}.
     */
    @Override
    public synchronized Map<String, Long> dropCounts() {
        Map<String, Long> counts = new LinkedHashMap<>(dropsOfPastSessions);
        if (session != null) {
            try {
                dropCounters.read(session.object())
                        .forEach((key, value) -> counts.merge(key, value, Long::sum));
            } catch (BpfException | RuntimeException e) {
                warnLimited("drops", "failed to read the drop counters of the " + name
                        + " probe: {}", e);
            }
        }
        dropCountsOutsideKernel().forEach((key, value) -> counts.merge(key, value, Long::sum));
        counts.put(DROP_QUEUE, dispatcher.dropped());
        return counts;
    }

    /**
     * Returns the run statistics of the loaded programs of the current session. A program whose
     * statistics cannot be read is left out, with a warning at most once a minute.
     */
    @Override
    public synchronized Map<String, ProgramStats> programStats() {
        if (session == null) {
            return Map.of();
        }
        Map<String, ProgramStats> stats = new LinkedHashMap<>();
        for (BpfProgram program : session.object().programs()) {
            if (!program.autoload()) {
                continue;
            }
            try {
                BpfProgram.RunStats run = program.runStats();
                stats.put(program.name(), new ProgramStats(run.runCount(), run.runTimeNanos()));
            } catch (IOException | RuntimeException e) {
                warnLimited("stats", "failed to read the run statistics of a program of the "
                        + name + " probe: {}", e);
            }
        }
        return stats;
    }

    /** Returns the running session, or null while unloaded. */
    protected final synchronized ProbeSession session() {
        return session;
    }

    /**
     * Queues an event for delivery with the properties {@link Topics#PROPERTY_EVENT},
     * {@link Topics#PROPERTY_PROBE} and {@link Topics#PROPERTY_CONTAINER_ID}, and counts it by
     * kind. The events of one poll are handed to the shared delivery thread together when the
     * poll ends, and delivered in order there. An event that finds the queue full is counted as a
     * {@link #DROP_QUEUE} drop instead.
     */
    protected final void post(EventAdmin eventAdmin, Event event) {
        dispatcher.offer(eventAdmin, event);
    }

    /**
     * Returns the container of a cgroup as {@code resolver} reports it; {@link
     * ContainerInfo#HOST_INFO} when there is no resolver, or when it fails, which is logged at
     * most once a minute.
     *
     * @param kernelPath trailing cgroup path components read in the kernel, or empty
     */
    protected final ContainerInfo containerOf(ContainerResolver resolver, long cgroupId,
            String kernelPath) {
        if (resolver == null) {
            return ContainerInfo.HOST_INFO;
        }
        try {
            return resolver.resolve(cgroupId, kernelPath);
        } catch (RuntimeException e) {
            warnLimited("resolver", "container resolver failed for cgroup id " + cgroupId
                    + " (" + kernelPath + "); attributing the event to the host: {}", e);
            return ContainerInfo.HOST_INFO;
        }
    }

    /**
     * Logs a WARN line with the exception's message for {@code {}} and the exception, at most
     * once a minute per key, with the number of lines held back since the last one.
     */
    protected final void warnLimited(String key, String message, Exception e) {
        if (rateLimiter.permit(key)) {
            logger().warn(message + " ({} similar warnings suppressed)", e.getMessage(),
                    rateLimiter.suppressed(key), e);
        }
    }

    /**
     * Reads a resource of the subclass's bundle, typically its BPF object.
     *
     * @param resource absolute resource path, e.g. {@code /bpf/process.bpf.o}
     * @throws IOException if the resource is missing or cannot be read
     */
    protected final byte[] readResource(String resource) throws IOException {
        try (InputStream in = getClass().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException(resource + " is missing from the bundle of "
                        + getClass().getName());
            }
            return in.readAllBytes();
        }
    }

    private void retireDropCounts(ProbeSession closing) {
        try {
            dropCounters.read(closing.object())
                    .forEach((key, value) -> dropsOfPastSessions.merge(key, value, Long::sum));
        } catch (BpfException | RuntimeException e) {
            logger().warn("failed to read the drop counters of the {} probe before unload: {}",
                    name, e.getMessage());
        }
    }
}
