package org.tarsier.probe.process.internal;

import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.tarsier.api.Topics;
import org.tarsier.api.container.ContainerInfo;
import org.tarsier.api.container.ContainerResolver;
import org.tarsier.api.event.Event;
import org.tarsier.api.event.ExecEvent;
import org.tarsier.api.event.ExitEvent;
import org.tarsier.api.event.ForkEvent;
import org.tarsier.api.log.RateLimiter;
import org.tarsier.api.probe.Probe;
import org.tarsier.api.probe.ProbeException;
import org.tarsier.api.probe.ProbeState;
import org.tarsier.libbpf.BpfException;

/**
 * The process probe: posts exec, fork and exit events on {@link Topics#PROCESS_EXEC},
 * {@link Topics#PROCESS_FORK} and {@link Topics#PROCESS_EXIT}.
 *
 * <p>Events carry the container that a {@link ContainerResolver} reports for the task's cgroup.
 * While no resolver is registered, every event carries {@link ContainerInfo#HOST_INFO}, also for
 * tasks that run in containers. Exec events always carry the cgroup path read in the kernel.
 */
@Component(
        service = Probe.class,
        configurationPid = ProcessProbe.PID,
        property = Probe.PROPERTY_NAME + "=" + ProcessProbe.NAME)
@Designate(ocd = ProcessProbe.Config.class)
public final class ProcessProbe implements Probe {

    static final String NAME = "process";
    static final String PID = "org.tarsier.probe.process";

    private static final long LOG_INTERVAL_MILLIS = 60_000;

    /** Configuration of the process probe. */
    @ObjectClassDefinition(
            name = "Tarsier process probe",
            description = "Exec, fork and exit events from BPF tracepoints")
    @interface Config {

        @AttributeDefinition(description = "Load and attach the BPF programs on activation")
        boolean autoload() default true;

        @AttributeDefinition(description = "Maximum number of exec arguments copied, 1 to 64;"
                + " applies at the next load")
        int argv_max() default 16;

        @AttributeDefinition(description = "Maximum bytes of exec arguments copied, 16 to 4096;"
                + " applies at the next load")
        int argv_max_bytes() default 1024;

        @AttributeDefinition(description = "Maximum wait of one ring-buffer poll in"
                + " milliseconds, 10 to 10000")
        int poll_timeout_ms() default 100;

        @AttributeDefinition(description = "Tracepoint of the exec program as category/name;"
                + " applies at the next load. Only for testing attach failures: another"
                + " tracepoint has another record layout")
        String exec_tracepoint() default "sched/sched_process_exec";
    }

    @Reference
    private EventAdmin eventAdmin;

    @Reference(service = LoggerFactory.class)
    private Logger logger;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile ContainerResolver containerResolver;

    private final RateLimiter rateLimiter = new RateLimiter(LOG_INTERVAL_MILLIS);
    private final Map<String, LongAdder> eventCounts = Map.of(
            ExecEvent.KIND, new LongAdder(),
            ForkEvent.KIND, new LongAdder(),
            ExitEvent.KIND, new LongAdder());
    private final Map<String, Long> dropsOfPastSessions = new LinkedHashMap<>();
    private final RecordDecoder decoder = new RecordDecoder(this::containerOf);
    private volatile Settings settings = Settings.DEFAULTS;
    private volatile ProbeState state = ProbeState.UNLOADED;
    private volatile String lastError = "";
    private byte[] objectBytes;
    private ProbeSession session;

    @Activate
    void activate(Config config) throws IOException {
        objectBytes = readObject();
        for (DropReason reason : DropReason.values()) {
            dropsOfPastSessions.put(reason.key(), 0L);
        }
        applyConfig(config);
        logger.info("process probe started: {}", settings);
        if (settings.autoload()) {
            try {
                load();
            } catch (ProbeException e) {
                // load() logged it; the component stays up so that an operator can retry.
            }
        }
    }

    @Modified
    void modified(Config config) {
        Settings previous = settings;
        applyConfig(config);
        ProbeSession current = currentSession();
        if (current != null) {
            current.setPollTimeoutMillis(settings.pollTimeoutMillis());
        }
        logger.info("process probe reconfigured: {}{}", settings,
                current != null && !sameLoadSettings(previous, settings)
                        ? "; argv and tracepoint settings apply at the next load" : "");
    }

    @Deactivate
    void deactivate() {
        unload();
        logger.info("process probe stopped; events posted: {}", eventCounts());
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public ProbeState state() {
        return state;
    }

    @Override
    public synchronized void load() throws ProbeException {
        if (session != null) {
            return;
        }
        Settings current = settings;
        try {
            session = ProbeSession.start(
                    objectBytes, current, decoder, this::post, this::pollFailed);
        } catch (BpfException | RuntimeException e) {
            state = ProbeState.FAILED;
            lastError = e.getMessage();
            logger.error("failed to load the process probe: {}", e.getMessage(), e);
            throw new ProbeException("process probe: " + e.getMessage(), e);
        }
        state = ProbeState.LOADED;
        lastError = "";
        logger.info("process probe loaded: {}", session.programs());
    }

    @Override
    public synchronized void unload() {
        if (session == null) {
            return;
        }
        ProbeSession closing = session;
        session = null;
        retireDropCounts(closing);
        closing.close();
        state = ProbeState.UNLOADED;
        logger.info("process probe unloaded");
    }

    @Override
    public synchronized List<String> programs() {
        return session == null ? List.of() : session.programs();
    }

    @Override
    public Map<String, Long> eventCounts() {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (String kind : List.of(ExecEvent.KIND, ForkEvent.KIND, ExitEvent.KIND)) {
            counts.put(kind, eventCounts.get(kind).sum());
        }
        return counts;
    }

    /**
     * Returns the drops since activation: {@code ringbuf} counts records lost because the ring
     * buffer was full; {@code filename_read}, {@code argv_read}, {@code cwd_read} and
     * {@code cgroup_read} count exec records sent with that field missing or cut after a failed
     * kernel read.
     */
    @Override
    public synchronized Map<String, Long> dropCounts() {
        Map<String, Long> counts = new LinkedHashMap<>(dropsOfPastSessions);
        if (session != null) {
            try {
                session.dropCounts().forEach((key, value) -> counts.merge(key, value, Long::sum));
            } catch (BpfException e) {
                warnLimited("drops", "failed to read the process probe's drop counters: {}", e);
            }
        }
        return counts;
    }

    @Override
    public String lastError() {
        return lastError;
    }

    private synchronized ProbeSession currentSession() {
        return session;
    }

    private void applyConfig(Config config) {
        List<String> problems = Settings.problems(config.argv_max(), config.argv_max_bytes(),
                config.poll_timeout_ms(), config.exec_tracepoint());
        if (!problems.isEmpty()) {
            for (String problem : problems) {
                logger.error("invalid configuration {}: {}; keeping the previous configuration"
                        + " ({})", PID, problem, settings);
            }
            return;
        }
        settings = new Settings(config.autoload(), config.argv_max(), config.argv_max_bytes(),
                config.poll_timeout_ms(), config.exec_tracepoint());
    }

    private static boolean sameLoadSettings(Settings a, Settings b) {
        return a.maxArgs() == b.maxArgs() && a.maxArgsBytes() == b.maxArgsBytes()
                && a.execTracepoint().equals(b.execTracepoint());
    }

    private void retireDropCounts(ProbeSession closing) {
        try {
            closing.dropCounts().forEach(
                    (key, value) -> dropsOfPastSessions.merge(key, value, Long::sum));
        } catch (BpfException e) {
            logger.warn("failed to read the process probe's drop counters before unload: {}",
                    e.getMessage());
        }
    }

    private ContainerInfo containerOf(long cgroupId, String kernelPath) {
        ContainerResolver resolver = containerResolver;
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

    private void post(Event event) {
        eventAdmin.postEvent(new org.osgi.service.event.Event(event.topic(), Map.of(
                Topics.PROPERTY_EVENT, event,
                Topics.PROPERTY_PROBE, NAME,
                Topics.PROPERTY_CONTAINER_ID, event.container().id())));
        eventCounts.get(event.kind()).increment();
    }

    private void pollFailed(Exception e) {
        warnLimited("poll", "process probe failed to read or decode ring-buffer records: {}", e);
    }

    private void warnLimited(String key, String message, Exception e) {
        if (rateLimiter.permit(key)) {
            logger.warn(message + " ({} similar warnings suppressed)", e.getMessage(),
                    rateLimiter.suppressed(key), e);
        }
    }

    private static byte[] readObject() throws IOException {
        try (InputStream in = ProcessProbe.class.getResourceAsStream(ProbeSession.RESOURCE)) {
            if (in == null) {
                throw new IOException(ProbeSession.RESOURCE + " is missing from the bundle");
            }
            return in.readAllBytes();
        }
    }
}
