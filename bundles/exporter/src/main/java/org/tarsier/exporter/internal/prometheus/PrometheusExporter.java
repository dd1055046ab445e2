package org.tarsier.exporter.internal.prometheus;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.osgi.framework.BundleContext;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
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
import org.tarsier.api.detector.Detector;
import org.tarsier.api.detector.Score;
import org.tarsier.api.log.RateLimiter;
import org.tarsier.api.probe.Probe;
import org.tarsier.exporter.internal.ConfigReader;
import org.tarsier.exporter.internal.NamedThreads;
import org.tarsier.exporter.internal.OutputCounters;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * Prometheus endpoint of the agent: {@code GET /metrics} in the Prometheus text format, or
 * OpenMetrics when the client asks for it, {@code GET /livez} and {@code GET /readyz}, which
 * return 200 or 503 with a JSON body naming the failing checks (see {@link HealthChecks}), and
 * {@code GET /healthz}, an alias of {@code /livez} that returns {@code ok} as plain text.
 *
 * <p>Metrics, in Prometheus naming conventions:
 * <ul>
 *   <li>{@code tarsier_events_total{probe,type}}: events posted on {@code org/tarsier/event/*};
 *       {@code type} is the event kind, the last topic token, e.g. {@code EXEC}.
 *   <li>{@code tarsier_events_dropped_total{probe,reason}}: {@link Probe#dropCounts()} of every
 *       Probe service; a probe's series disappear when its service goes away.
 *   <li>{@code tarsier_probe_loaded{probe}}: 1 while the probe's state is {@code LOADED}, else 0.
 *   <li>{@code tarsier_probe_state{probe,state}}: one series per {@code ProbeState} name, 1 for
 *       the current state and 0 for the others.
 *   <li>{@code tarsier_alerts_total{detector,rule,priority}}: alerts posted on
 *       {@code org/tarsier/alert/*}; {@code priority} is Falco's name, e.g. {@code Warning}.
 *   <li>{@code tarsier_output_written_total{output}} and
 *       {@code tarsier_output_dropped_total{output}}: records of the alert and event outputs.
 *   <li>Status of every {@link Detector} service, see {@link DetectorMeters}.
 *   <li>Per-container counters and detector scores with bounded label sets, see
 *       {@link ContainerMeters}.
 *   <li>{@code process_resident_memory_bytes} and {@code process_cpu_seconds_total}.
 *   <li>Micrometer's JVM and process meters: {@code jvm_memory_*}, {@code jvm_buffer_*},
 *       {@code jvm_gc_*}, {@code jvm_threads_*}, {@code jvm_classes_*},
 *       {@code system_cpu_*}, {@code process_cpu_*}, {@code process_uptime_seconds},
 *       {@code process_start_time_seconds}, {@code process_files_*}.
 * </ul>
 *
 * <p>Events and alerts are delivered asynchronously and unordered. Counting one takes a map
 * lookup and an atomic add; only the first event of a new label set registers a meter. The
 * registry is private to this bundle: other bundles expose counts through their own services, as
 * {@link Probe} and {@link Detector} do. The full list with types and labels is in
 * {@code docs/metrics.md}.
 */
// Immediate: a delayed component would start serving HTTP only when Event Admin first gets the
// handler service, that is after the first event.
@Component(
        configurationPid = PrometheusExporter.PID,
        service = EventHandler.class,
        immediate = true,
        property = {
            EventConstants.EVENT_TOPIC + "=" + Topics.EVENT_PREFIX + "*",
            EventConstants.EVENT_TOPIC + "=" + Topics.ALERT_PREFIX + "*",
            EventConstants.EVENT_TOPIC + "=" + Topics.SCORE_PREFIX + "*",
            EventConstants.EVENT_TOPIC + "=" + Topics.AGENT_PREFIX + "*",
            EventConstants.EVENT_DELIVERY + "=" + EventConstants.DELIVERY_ASYNC_UNORDERED
        })
@Designate(ocd = PrometheusExporter.Config.class)
public final class PrometheusExporter implements EventHandler {

    static final String PID = "org.tarsier.exporter";
    static final String DEFAULT_ADDRESS = "127.0.0.1";
    static final int DEFAULT_PORT = 9464;
    static final int DEFAULT_CONTAINERS_MAX = 200;
    static final int MAX_CONTAINERS_MAX = 10_000;
    static final int DEFAULT_CONTAINERS_IDLE_SECONDS = 300;
    static final long HEARTBEAT_MILLIS = 5_000;
    static final long DISPATCH_TIMEOUT_MILLIS = 30_000;

    /** Configuration of the HTTP endpoint. */
    @ObjectClassDefinition(
            name = "Tarsier Prometheus exporter",
            description = "HTTP endpoint that serves the agent's metrics to Prometheus")
    @interface Config {

        @AttributeDefinition(
                name = "Address",
                description = "IP address or host name to listen on; 0.0.0.0 listens on all"
                        + " IPv4 addresses")
        String address() default DEFAULT_ADDRESS;

        @AttributeDefinition(
                name = "Port",
                description = "TCP port to listen on, from 1 to 65535, or 0 for any free port",
                min = "0",
                max = "65535")
        int port() default DEFAULT_PORT;

        @AttributeDefinition(
                name = "Maximum containers",
                description = "Maximum number of containers with per-container series, the"
                        + " host not included; events of further containers are counted in"
                        + " tarsier_container_overflow_total only",
                min = "0",
                max = "10000")
        int containers_max() default DEFAULT_CONTAINERS_MAX;

        @AttributeDefinition(
                name = "Idle container seconds",
                description = "Without a container resolver, seconds without an event after"
                        + " which a container's series are removed",
                min = "1")
        int containers_idle_seconds() default DEFAULT_CONTAINERS_IDLE_SECONDS;
    }

    /** Validated endpoint settings. */
    record Settings(String address, int port, ContainerMeters.Limits containers) {
    }

    private final Logger logger;
    private final PrometheusMeterRegistry registry =
            new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final EventMeters eventMeters;
    private final ProbeMeters probeMeters;
    private final OutputMeters outputMeters;
    private final DetectorMeters detectorMeters;
    private final ContainerMeters containerMeters;
    private final HttpEndpoint endpoint;
    private final HealthChecks health;
    private final ScheduledExecutorService heartbeat = Executors.newSingleThreadScheduledExecutor(
            new NamedThreads("tarsier-exporter-heartbeat"));
    private volatile EventAdmin eventAdmin;
    private final RateLimiter limiter = new RateLimiter(60_000);
    private volatile ContainerResolver resolver;
    private JvmMeters jvmMeters;
    private Settings settings = new Settings(DEFAULT_ADDRESS, DEFAULT_PORT,
            new ContainerMeters.Limits(DEFAULT_CONTAINERS_MAX, DEFAULT_CONTAINERS_IDLE_SECONDS));

    /** Creates the registry; DS passes the logger before it binds any probe or output. */
    @Activate
    public PrometheusExporter(@Reference(service = LoggerFactory.class) Logger logger,
            BundleContext context) {
        this.logger = logger;
        this.health = new HealthChecks(context, System::nanoTime,
                TimeUnit.MILLISECONDS.toNanos(DISPATCH_TIMEOUT_MILLIS));
        this.eventMeters = new EventMeters(registry, logger);
        this.probeMeters = new ProbeMeters(registry, logger);
        this.outputMeters = new OutputMeters(registry, logger);
        this.detectorMeters = new DetectorMeters(registry, logger);
        this.containerMeters = new ContainerMeters(registry, settings.containers(),
                System::nanoTime);
        this.endpoint = new HttpEndpoint(PID, this::writeMetrics, health, logger);
    }

    /** Creates an exporter outside a framework, whose readiness checks only tracked services. */
    PrometheusExporter(Logger logger) {
        this(logger, null);
    }

    @Activate
    void activate(Map<String, Object> properties) {
        jvmMeters = new JvmMeters(registry);
        ProcessMeters.bindTo(registry);
        settings = read(properties, settings);
        containerMeters.setLimits(settings.containers());
        endpoint.bind(settings.address(), settings.port());
        heartbeat.scheduleWithFixedDelay(this::postHeartbeat, 0, HEARTBEAT_MILLIS,
                TimeUnit.MILLISECONDS);
        logger.info("Prometheus exporter started: {}", describe(settings));
    }

    @Modified
    void modified(Map<String, Object> properties) {
        Settings next = read(properties, settings);
        if (next.equals(settings)) {
            return;
        }
        boolean rebind = !next.address().equals(settings.address())
                || next.port() != settings.port();
        settings = next;
        containerMeters.setLimits(settings.containers());
        if (rebind) {
            endpoint.bind(settings.address(), settings.port());
        }
        logger.info("Prometheus exporter reconfigured: {}", describe(settings));
    }

    @Deactivate
    void deactivate() {
        heartbeat.shutdownNow();
        endpoint.close();
        jvmMeters.close();
        probeMeters.clear();
        outputMeters.clear();
        detectorMeters.clear();
        containerMeters.clear();
        registry.close();
        logger.info("Prometheus exporter stopped");
    }

    @Reference(
            cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void addProbe(Probe probe) {
        probeMeters.add(probe);
        health.addProbe(probe);
    }

    void removeProbe(Probe probe) {
        probeMeters.remove(probe);
        health.removeProbe(probe);
    }

    @Reference(
            cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void addOutput(OutputCounters output) {
        outputMeters.add(output);
    }

    void removeOutput(OutputCounters output) {
        outputMeters.remove(output);
    }

    @Reference(
            cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void addDetector(Detector detector) {
        detectorMeters.add(detector);
    }

    void removeDetector(Detector detector) {
        detectorMeters.remove(detector);
    }

    @Reference(
            cardinality = ReferenceCardinality.OPTIONAL,
            policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void setResolver(ContainerResolver containerResolver) {
        resolver = containerResolver;
        health.setResolver(containerResolver);
    }

    void unsetResolver(ContainerResolver containerResolver) {
        if (resolver == containerResolver) {
            resolver = null;
            health.setResolver(null);
        }
    }

    @Reference(
            cardinality = ReferenceCardinality.OPTIONAL,
            policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void setEventAdmin(EventAdmin admin) {
        eventAdmin = admin;
    }

    void unsetEventAdmin(EventAdmin admin) {
        if (eventAdmin == admin) {
            eventAdmin = null;
        }
    }

    @Override
    public void handleEvent(Event event) {
        String topic = event.getTopic();
        if (topic.startsWith(Topics.EVENT_PREFIX)) {
            eventMeters.countEvent(topic, event.getProperty(Topics.PROPERTY_PROBE));
            containerMeters.countEvent(event.getProperty(Topics.PROPERTY_EVENT));
        } else if (topic.startsWith(Topics.ALERT_PREFIX)) {
            eventMeters.countAlert(topic, event.getProperty(Topics.PROPERTY_ALERT));
        } else if (topic.startsWith(Topics.SCORE_PREFIX)) {
            recordScore(topic, event.getProperty(Topics.PROPERTY_SCORE));
        } else if (topic.equals(Topics.AGENT_HEARTBEAT)) {
            health.heartbeatDelivered();
        } else if (topic.equals(Topics.AGENT_STOPPING)) {
            health.markStopping();
            logger.info("agent stopping: /readyz returns 503 from now on");
        }
    }

    private void postHeartbeat() {
        EventAdmin admin = eventAdmin;
        if (admin == null) {
            return;
        }
        try {
            health.heartbeatPosted();
            admin.postEvent(new Event(Topics.AGENT_HEARTBEAT, Map.of()));
        } catch (RuntimeException e) {
            if (limiter.permit("heartbeat")) {
                logger.warn("failed to post the liveness heartbeat on {} ({} similar messages"
                        + " suppressed)", Topics.AGENT_HEARTBEAT, limiter.suppressed("heartbeat"),
                        e);
            }
        }
    }

    /** Returns the liveness and readiness checks served by the endpoint. */
    HealthChecks health() {
        return health;
    }

    private void recordScore(String topic, Object property) {
        if (property instanceof Score score) {
            containerMeters.recordScore(score);
        } else if (limiter.permit("score " + topic)) {
            logger.warn("score event on topic {} has no {} property of type {}: not exported"
                    + " ({} similar messages suppressed)", topic, Topics.PROPERTY_SCORE,
                    Score.class.getName(), limiter.suppressed("score " + topic));
        }
    }

    /** Returns the address the endpoint listens on, or {@code null} while it is not bound. */
    InetSocketAddress endpointAddress() {
        return endpoint.address();
    }

    private void writeMetrics(OutputStream out, String contentType) throws IOException {
        probeMeters.refresh();
        detectorMeters.refresh();
        containerMeters.sweep(runningContainers());
        registry.scrape(out, contentType);
    }

    /** Returns the containers the resolver lists as running, or {@code null} without one. */
    private Collection<ContainerInfo> runningContainers() {
        ContainerResolver current = resolver;
        if (current == null) {
            return null;
        }
        try {
            return current.containers();
        } catch (RuntimeException e) {
            if (limiter.permit("containers")) {
                logger.warn("failed to list running containers: removing per-container series"
                        + " after {} s without events instead ({} similar messages suppressed)",
                        settings.containers().idleSeconds(), limiter.suppressed("containers"), e);
            }
            return null;
        }
    }

    private Settings read(Map<String, ?> properties, Settings previous) {
        ConfigReader reader = new ConfigReader(PID, properties);
        String address = reader.stringValue("address", DEFAULT_ADDRESS,
                PrometheusExporter::isHostSyntax, "an IP address or a host name");
        int port = reader.intValue("port", DEFAULT_PORT, 0, 65535);
        int containersMax = reader.intValue("containers.max", DEFAULT_CONTAINERS_MAX, 0,
                MAX_CONTAINERS_MAX);
        int idleSeconds = reader.intValue("containers.idle.seconds",
                DEFAULT_CONTAINERS_IDLE_SECONDS, 1, Integer.MAX_VALUE);
        List<String> errors = reader.errors();
        if (errors.isEmpty()) {
            return new Settings(address, port,
                    new ContainerMeters.Limits(containersMax, idleSeconds));
        }
        errors.forEach(message -> logger.error("{}; keeping {}", message, describe(previous)));
        return previous;
    }

    private static String describe(Settings settings) {
        return "address=" + settings.address() + ", port=" + settings.port()
                + ", containers.max=" + settings.containers().maxContainers()
                + ", containers.idle.seconds=" + settings.containers().idleSeconds();
    }

    private static boolean isHostSyntax(String value) {
        return !value.isEmpty() && value.chars().noneMatch(c -> c <= ' ' || c == '/' || c == '@');
    }
}
