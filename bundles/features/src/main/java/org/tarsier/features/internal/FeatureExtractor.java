package org.tarsier.features.internal;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.tarsier.api.Topics;
import org.tarsier.api.container.ContainerInfo;
import org.tarsier.api.container.ContainerResolver;
import org.tarsier.api.feature.FeatureWindow;
import org.tarsier.api.log.RateLimiter;

/**
 * The feature extractor: counts every container's events per window and posts one {@link
 * FeatureWindow} per tracked container and window on {@link Topics#FEATURE_WINDOW}.
 */
@Component(
        configurationPid = Settings.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL,
        service = EventHandler.class,
        property = {
            EventConstants.EVENT_TOPIC + "=" + Topics.EVENT_PREFIX + "process/*",
            EventConstants.EVENT_TOPIC + "=" + Topics.EVENT_PREFIX + "syscall/*",
            EventConstants.EVENT_TOPIC + "=" + Topics.FILE_PREFIX + "*",
            EventConstants.EVENT_TOPIC + "=" + Topics.TCP_PREFIX + "*"
        })
@Designate(ocd = FeatureExtractor.Config.class)
public final class FeatureExtractor implements EventHandler {

    static final long DEFAULT_WINDOW_MS = 5_000;
    static final long DEFAULT_LATENESS_MS = 1_500;
    static final int DEFAULT_MAX_CONTAINERS = 1_024;
    static final int DEFAULT_MAX_DISTINCT = 4_096;
    static final int DEFAULT_MAX_PROCESSES = 16_384;
    static final int DEFAULT_IDLE_WINDOWS = 12;
    static final int DEFAULT_MAX_IMAGES = 256;
    static final int DEFAULT_MAX_EXECUTABLES = 1_024;

    /** Configuration of the feature extractor. */
    @ObjectClassDefinition(name = "Tarsier feature extractor",
            description = "Per-container feature windows from the probes' events")
    public @interface Config {
        @AttributeDefinition(description = "Length of a window in milliseconds, at least 100")
        long window_ms() default DEFAULT_WINDOW_MS;

        @AttributeDefinition(description = "How long after its end a window waits for late"
                + " events, in milliseconds; cover the syscall probe's window.ms")
        long lateness_ms() default DEFAULT_LATENESS_MS;

        @AttributeDefinition(description = "Whether processes outside containers get windows of"
                + " their own, with container id host")
        boolean host() default false;

        @AttributeDefinition(description = "Containers tracked at once; events of further"
                + " containers are dropped and counted")
        int max_containers() default DEFAULT_MAX_CONTAINERS;

        @AttributeDefinition(description = "Values kept per distinct count and window; the count"
                + " stops at this value")
        int max_distinct() default DEFAULT_MAX_DISTINCT;

        @AttributeDefinition(description = "Live processes tracked per container")
        int max_processes() default DEFAULT_MAX_PROCESSES;

        @AttributeDefinition(description = "Windows without events after which a container that"
                + " the container resolver does not list as running is forgotten")
        int idle_windows() default DEFAULT_IDLE_WINDOWS;

        @AttributeDefinition(description = "Images whose executables are remembered for"
                + " exec_binaries_new")
        int max_images() default DEFAULT_MAX_IMAGES;

        @AttributeDefinition(description = "Executables remembered per image")
        int max_executables() default DEFAULT_MAX_EXECUTABLES;

        @AttributeDefinition(description = "Whether CPU time is read from each container's"
                + " cgroup v2 cpu.stat")
        boolean cpu() default true;
    }

    @Reference(service = LoggerFactory.class)
    private Logger logger;

    @Reference
    private EventAdmin eventAdmin;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile ContainerResolver resolver;

    private final RateLimiter logLimiter = new RateLimiter(60_000);
    private final Object lock = new Object();
    private Settings settings = Settings.DEFAULTS;
    private FeatureAccumulator accumulator;
    private Optional<CgroupCpu> cpu = Optional.empty();
    private long nextCpuBoundary;
    private ScheduledExecutorService ticker;
    private long reportedRejections;

    @Activate
    void activate(Config config) {
        settings = validate(config);
        start();
        logger.info("feature extractor started: {} features, {}", Feature.NAMES.size(),
                describe(settings));
    }

    @Modified
    void modified(Config config) {
        Settings next = validate(config);
        if (!next.equals(settings)) {
            stop();
            settings = next;
            start();
        }
        logger.info("feature extractor configured: {}", describe(settings));
    }

    @Deactivate
    void deactivate() {
        stop();
        synchronized (lock) {
            logger.info("feature extractor stopped: {}", accumulator.counters());
        }
    }

    @Override
    public void handleEvent(Event event) {
        if (!(event.getProperty(Topics.PROPERTY_EVENT)
                instanceof org.tarsier.api.event.Event tarsierEvent)) {
            return;
        }
        synchronized (lock) {
            accumulator.accept(tarsierEvent, nowNanos());
        }
    }

    private void start() {
        long now = nowNanos();
        synchronized (lock) {
            accumulator = new FeatureAccumulator(settings, now);
            reportedRejections = 0;
            nextCpuBoundary = (Math.floorDiv(now, settings.windowNanos()) + 1)
                    * settings.windowNanos();
        }
        cpu = settings.cpu() ? CgroupCpu.ofHost() : Optional.empty();
        if (settings.cpu() && cpu.isEmpty()) {
            logger.warn("no cgroup2 mount in /proc/self/mountinfo; cpu_user_ms and cpu_system_ms"
                    + " stay 0");
        }
        long period = Math.clamp(settings.windowMillis() / 10, 20, 250);
        ticker = Executors.newSingleThreadScheduledExecutor(
                task -> Thread.ofPlatform().daemon().name("tarsier-features").unstarted(task));
        ticker.scheduleAtFixedRate(this::tick, period, period, TimeUnit.MILLISECONDS);
    }

    private void stop() {
        ticker.shutdownNow();
        try {
            if (!ticker.awaitTermination(5, TimeUnit.SECONDS)) {
                logger.warn("feature extractor ticker did not stop within 5 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void tick() {
        try {
            long now = nowNanos();
            sampleCpu(now);
            boolean due;
            synchronized (lock) {
                due = accumulator.windowDue(now);
            }
            // Listing the running containers scans cgroups, so it is done only when it is used.
            Set<String> running = due ? runningContainers() : null;
            List<FeatureWindow> windows;
            long rejected;
            synchronized (lock) {
                windows = accumulator.closeDue(now, running);
                rejected = accumulator.counters().eventsRejected;
            }
            warnIfRejected(rejected);
            for (FeatureWindow window : windows) {
                eventAdmin.postEvent(new Event(Topics.FEATURE_WINDOW, Map.of(
                        Topics.PROPERTY_FEATURES, window,
                        Topics.PROPERTY_CONTAINER_ID, window.container().id())));
            }
        } catch (RuntimeException e) {
            if (logLimiter.permit("tick")) {
                logger.error("failed to close feature windows ({} suppressed)",
                        logLimiter.suppressed("tick"), e);
            }
        }
    }

    /** Logs, at most once a minute, that events of containers beyond the maximum were dropped. */
    private void warnIfRejected(long rejected) {
        if (rejected > reportedRejections && logLimiter.permit("max.containers")) {
            logger.warn("{} events of containers beyond max.containers={} dropped so far; raise"
                    + " max.containers in {}.cfg to track them", rejected,
                    settings.maxContainers(), Settings.PID);
            reportedRejections = rejected;
        }
    }

    /** Reads every container's CPU time once per window boundary, outside the lock. */
    private void sampleCpu(long now) {
        if (cpu.isEmpty() || now < nextCpuBoundary) {
            return;
        }
        long windowStart = nextCpuBoundary - settings.windowNanos();
        nextCpuBoundary = (Math.floorDiv(now, settings.windowNanos()) + 1)
                * settings.windowNanos();
        Map<String, Long> targets;
        synchronized (lock) {
            targets = accumulator.cpuTargets();
        }
        CgroupCpu reader = cpu.get();
        reader.retain(targets.values());
        for (Map.Entry<String, Long> target : targets.entrySet()) {
            Optional<long[]> usage = reader.read(target.getValue());
            if (usage.isPresent()) {
                synchronized (lock) {
                    accumulator.recordCpu(target.getKey(), windowStart, usage.get()[0],
                            usage.get()[1], now);
                }
            }
        }
    }

    private Set<String> runningContainers() {
        ContainerResolver current = resolver;
        if (current == null) {
            return null;
        }
        Set<String> ids = new HashSet<>();
        for (ContainerInfo info : current.containers()) {
            ids.add(info.id());
        }
        return ids;
    }

    private Settings validate(Config config) {
        List<String> errors = Settings.newErrors();
        Settings valid = Settings.of(config, settings, errors);
        errors.forEach(logger::error);
        return valid;
    }

    private static String describe(Settings settings) {
        return "window.ms=" + settings.windowMillis() + " lateness.ms=" + settings.latenessMillis()
                + " host=" + settings.host() + " max.containers=" + settings.maxContainers()
                + " max.distinct=" + settings.maxDistinct() + " max.processes="
                + settings.maxProcesses() + " idle.windows=" + settings.idleWindows()
                + " max.images=" + settings.maxImages() + " max.executables="
                + settings.maxExecutables() + " cpu=" + settings.cpu();
    }

    private static long nowNanos() {
        java.time.Instant now = java.time.Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }
}
