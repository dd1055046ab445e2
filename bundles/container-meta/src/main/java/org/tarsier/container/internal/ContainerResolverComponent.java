package org.tarsier.container.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.tarsier.api.container.ContainerInfo;
import org.tarsier.api.container.ContainerResolver;

/**
 * The {@link ContainerResolver} service: cgroup id to cgroup path through the cgroup v2
 * hierarchy, path to runtime and container id, and name, image and labels from Docker's API.
 *
 * <p>Without Docker's socket, or while it is down, it still returns the runtime and id parsed from
 * the cgroup path. An invalid configuration is logged and the previous one stays in force.
 */
@Component(
        service = ContainerResolver.class,
        configurationPid = ContainerResolverComponent.PID,
        immediate = true)
@Designate(ocd = ContainerResolverComponent.Config.class)
public final class ContainerResolverComponent implements ContainerResolver {

    /** Configuration PID. */
    public static final String PID = "org.tarsier.container";

    private static final long SWEEP_INTERVAL_MILLIS = 5_000;
    private static final int WORKER_QUEUE = 1_024;

    /** Configuration of the container resolver. */
    @ObjectClassDefinition(
            name = "Tarsier container metadata",
            description = "Maps cgroup ids to containers through cgroup paths and Docker's API.")
    public @interface Config {

        @AttributeDefinition(description = "cgroup v2 mount point; empty finds it in"
                + " /proc/self/mountinfo (/sys/fs/cgroup, or /sys/fs/cgroup/unified on hybrid"
                + " hosts).")
        String cgroupRoot() default "";

        @AttributeDefinition(description = "Path of Docker's Unix socket; empty disables"
                + " Docker's API, and containers then resolve to runtime and id only.")
        String dockerSocket() default Settings.DEFAULT_DOCKER_SOCKET;

        @AttributeDefinition(description = "Maximum wait, in milliseconds, of a resolve call"
                + " for an inspect of a container that is not cached yet.")
        long inspectTimeoutMillis() default Settings.DEFAULT_INSPECT_TIMEOUT_MILLIS;

        @AttributeDefinition(description = "Timeout, in milliseconds, of the background"
                + " requests to Docker's API (list, inspect, event stream head).")
        long requestTimeoutMillis() default Settings.DEFAULT_REQUEST_TIMEOUT_MILLIS;

        @AttributeDefinition(description = "Seconds that removed containers and cgroups still"
                + " resolve, for events that arrive late.")
        long tombstoneSeconds() default Settings.DEFAULT_TOMBSTONE_SECONDS;

        @AttributeDefinition(description = "Milliseconds that a cgroup id which a scan did not"
                + " find is reported as host without scanning again.")
        long unknownCgroupCacheMillis() default Settings.DEFAULT_UNKNOWN_CGROUP_CACHE_MILLIS;

        @AttributeDefinition(description = "Minimum milliseconds between two scans of the"
                + " container cgroup directories on cache misses.")
        long rescanIntervalMillis() default Settings.DEFAULT_RESCAN_INTERVAL_MILLIS;

        @AttributeDefinition(description = "Minimum seconds between two background scans of"
                + " the whole cgroup hierarchy.")
        long fullScanIntervalSeconds() default Settings.DEFAULT_FULL_SCAN_INTERVAL_SECONDS;

        @AttributeDefinition(description = "Maximum number of cgroup directories one scan"
                + " visits.")
        int maxScanDirectories() default Settings.DEFAULT_MAX_SCAN_DIRECTORIES;

        @AttributeDefinition(description = "Maximum wait, in seconds, between two attempts to"
                + " reach Docker's API.")
        long reconnectMaxSeconds() default Settings.DEFAULT_RECONNECT_MAX_SECONDS;
    }

    @Reference(service = LoggerFactory.class)
    private Logger logger;

    private final ContainerCatalog catalog = new ContainerCatalog(System::nanoTime);
    private volatile Settings settings;
    private ScheduledExecutorService scheduler;
    private ExecutorService workers;
    private DockerWatcher watcher;
    private volatile ContainerLookup lookup;

    /** Creates the component; DS injects the logger. */
    public ContainerResolverComponent() {
    }

    ContainerResolverComponent(Logger logger) {
        this.logger = logger;
    }

    @Activate
    synchronized void activate(Config config, Map<String, Object> properties) {
        settings = validOrPrevious(config, properties, Settings.DEFAULTS);
        scheduler = new ScheduledThreadPoolExecutor(1, daemonThreads("scheduler"));
        workers = new ThreadPoolExecutor(2, 2, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(WORKER_QUEUE), daemonThreads("worker"));
        CgroupIndex index = createIndex(settings);
        watcher = startWatcher(settings);
        lookup = new ContainerLookup(index, catalog, inspector(settings, watcher));
        scheduler.scheduleWithFixedDelay(this::sweep, SWEEP_INTERVAL_MILLIS,
                SWEEP_INTERVAL_MILLIS, TimeUnit.MILLISECONDS);
        logger.info("container resolver started: {}, cgroup v2 mount {}", settings,
                index == null ? "not found" : index.root());
    }

    @Modified
    synchronized void modified(Config config, Map<String, Object> properties) {
        Settings previous = settings;
        Settings next = validOrPrevious(config, properties, previous);
        if (next.equals(previous)) {
            return;
        }
        settings = next;
        CgroupIndex index = lookup.index();
        if (next.indexDiffers(previous)) {
            index = createIndex(next);
        }
        if (next.dockerDiffers(previous)) {
            stopWatcher();
            watcher = startWatcher(next);
        }
        lookup = new ContainerLookup(index, catalog, inspector(next, watcher));
        logger.info("container resolver reconfigured: {}, cgroup v2 mount {}", next,
                index == null ? "not found" : index.root());
    }

    @Deactivate
    synchronized void deactivate() {
        stopWatcher();
        scheduler.shutdownNow();
        workers.shutdownNow();
        logger.info("container resolver stopped");
    }

    Settings settings() {
        return settings;
    }

    @Override
    public ContainerInfo resolve(long cgroupId) {
        return lookup.resolve(cgroupId, "");
    }

    @Override
    public ContainerInfo resolve(long cgroupId, String kernelPath) {
        return lookup.resolve(cgroupId, kernelPath == null ? "" : kernelPath);
    }

    @Override
    public Collection<ContainerInfo> containers() {
        return lookup.containers();
    }

    @Override
    public Optional<Instant> startedAt(String containerId) {
        return lookup.startedAt(containerId);
    }

    private Settings validOrPrevious(Config config, Map<String, Object> properties,
            Settings previous) {
        List<Settings.Problem> problems = new ArrayList<>();
        Settings validated = Settings.validate(config, properties, problems);
        if (validated != null) {
            return validated;
        }
        for (String line : Settings.describe(PID, problems)) {
            logger.error(line + "; keeping the previous configuration");
        }
        return previous;
    }

    private CgroupIndex createIndex(Settings config) {
        Path root;
        if (!config.cgroupRoot().isEmpty()) {
            root = Path.of(config.cgroupRoot());
        } else {
            try {
                root = CgroupMounts.findCgroup2Mount().orElse(null);
            } catch (IOException e) {
                logger.warn("cannot read {}: {}", CgroupMounts.MOUNTINFO, e.toString());
                root = null;
            }
            if (root == null) {
                logger.warn("no cgroup v2 mount in {}; cgroup ids resolve only through the"
                        + " paths that probes read in the kernel", CgroupMounts.MOUNTINFO);
                return null;
            }
        }
        CgroupIndex index = new CgroupIndex(root, config.indexLimits(), System::nanoTime,
                workers, logger);
        long start = System.nanoTime();
        index.fullScan();
        logger.debug("cgroup scan of {} found {} cgroups in {} ms", root, index.paths().size(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
        return index;
    }

    private DockerWatcher startWatcher(Settings config) {
        if (config.dockerSocket().isEmpty()) {
            return null;
        }
        DockerClient client = new DockerClient(Path.of(config.dockerSocket()), scheduler,
                Duration.ofMillis(config.requestTimeoutMillis()));
        DockerWatcher started = new DockerWatcher(client, catalog, this::registerPid,
                workers, logger, TimeUnit.SECONDS.toMillis(config.reconnectMaxSeconds()));
        started.start();
        return started;
    }

    private OnDemandInspector inspector(Settings config, DockerWatcher docker) {
        if (docker == null) {
            return null;
        }
        return new OnDemandInspector(docker, catalog, workers, this::registerPid,
                config.inspectTimeoutMillis(), logger);
    }

    private void registerPid(int pid) {
        ContainerLookup current = lookup;
        if (current != null && current.index() != null) {
            current.index().registerProcess(pid);
        }
    }

    private void stopWatcher() {
        if (watcher != null) {
            watcher.stop();
            watcher = null;
        }
    }

    private void sweep() {
        try {
            ContainerLookup current = lookup;
            if (current.index() != null) {
                current.index().sweep();
            }
            catalog.sweep(TimeUnit.SECONDS.toNanos(settings.tombstoneSeconds()));
        } catch (RuntimeException e) {
            logger.error("sweep of the container caches failed: {}", e.toString(), e);
        }
    }

    private static ThreadFactory daemonThreads(String role) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable,
                    "tarsier-container-meta-" + role + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
