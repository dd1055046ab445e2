package org.tarsier.exporter.internal.prometheus;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.tarsier.api.Topics;
import org.tarsier.api.probe.Probe;
import org.tarsier.exporter.internal.ConfigReader;
import org.tarsier.exporter.internal.OutputCounters;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * Prometheus endpoint of the agent: {@code GET /metrics} in the Prometheus text format, or
 * OpenMetrics when the client asks for it, and {@code GET /healthz}, which returns 200 and
 * {@code ok}.
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
 *   <li>Micrometer's JVM and process meters: {@code jvm_memory_*}, {@code jvm_buffer_*},
 *       {@code jvm_gc_*}, {@code jvm_threads_*}, {@code jvm_classes_*},
 *       {@code system_cpu_*}, {@code process_cpu_*}, {@code process_uptime_seconds},
 *       {@code process_start_time_seconds}, {@code process_files_*}.
 * </ul>
 *
 * <p>Events and alerts are delivered asynchronously and unordered. Counting one takes a map
 * lookup and an atomic add; only the first event of a new label set registers a meter. The registry is private to this bundle: other bundles expose counts through their own
 * services, as {@link Probe} does.
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
            EventConstants.EVENT_DELIVERY + "=" + EventConstants.DELIVERY_ASYNC_UNORDERED
        })
@Designate(ocd = PrometheusExporter.Config.class)
public final class PrometheusExporter implements EventHandler {

    static final String PID = "org.tarsier.exporter";
    static final String DEFAULT_ADDRESS = "127.0.0.1";
    static final int DEFAULT_PORT = 9464;

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
    }

    /** Validated endpoint settings. */
    record Settings(String address, int port) {
    }

    private final Logger logger;
    private final PrometheusMeterRegistry registry =
            new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final EventMeters eventMeters;
    private final ProbeMeters probeMeters;
    private final OutputMeters outputMeters;
    private final HttpEndpoint endpoint;
    private JvmMeters jvmMeters;
    private Settings settings = new Settings(DEFAULT_ADDRESS, DEFAULT_PORT);

    /** Creates the registry; DS passes the logger before it binds any probe or output. */
    @Activate
    public PrometheusExporter(@Reference(service = LoggerFactory.class) Logger logger) {
        this.logger = logger;
        this.eventMeters = new EventMeters(registry, logger);
        this.probeMeters = new ProbeMeters(registry, logger);
        this.outputMeters = new OutputMeters(registry, logger);
        this.endpoint = new HttpEndpoint(PID, this::writeMetrics, logger);
    }

    @Activate
    void activate(Map<String, Object> properties) {
        jvmMeters = new JvmMeters(registry);
        settings = read(properties, settings);
        endpoint.bind(settings.address(), settings.port());
        logger.info("Prometheus exporter started: address={}, port={}", settings.address(),
                settings.port());
    }

    @Modified
    void modified(Map<String, Object> properties) {
        Settings next = read(properties, settings);
        if (next.equals(settings)) {
            return;
        }
        settings = next;
        endpoint.bind(settings.address(), settings.port());
        logger.info("Prometheus exporter reconfigured: address={}, port={}", settings.address(),
                settings.port());
    }

    @Deactivate
    void deactivate() {
        endpoint.close();
        jvmMeters.close();
        probeMeters.clear();
        outputMeters.clear();
        registry.close();
        logger.info("Prometheus exporter stopped");
    }

    @Reference(
            cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void addProbe(Probe probe) {
        probeMeters.add(probe);
    }

    void removeProbe(Probe probe) {
        probeMeters.remove(probe);
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

    @Override
    public void handleEvent(Event event) {
        String topic = event.getTopic();
        if (topic.startsWith(Topics.EVENT_PREFIX)) {
            eventMeters.countEvent(topic, event.getProperty(Topics.PROPERTY_PROBE));
        } else if (topic.startsWith(Topics.ALERT_PREFIX)) {
            eventMeters.countAlert(topic, event.getProperty(Topics.PROPERTY_ALERT));
        }
    }

    /** Returns the address the endpoint listens on, or {@code null} while it is not bound. */
    InetSocketAddress endpointAddress() {
        return endpoint.address();
    }

    private void writeMetrics(OutputStream out, String contentType) throws IOException {
        probeMeters.refresh();
        registry.scrape(out, contentType);
    }

    private Settings read(Map<String, ?> properties, Settings previous) {
        ConfigReader reader = new ConfigReader(PID, properties);
        String address = reader.stringValue("address", DEFAULT_ADDRESS,
                PrometheusExporter::isHostSyntax, "an IP address or a host name");
        int port = reader.intValue("port", DEFAULT_PORT, 0, 65535);
        List<String> errors = reader.errors();
        if (errors.isEmpty()) {
            return new Settings(address, port);
        }
        errors.forEach(message -> logger.error("{}; keeping address={}, port={}", message,
                previous.address(), previous.port()));
        return previous;
    }

    private static boolean isHostSyntax(String value) {
        return !value.isEmpty() && value.chars().noneMatch(c -> c <= ' ' || c == '/' || c == '@');
    }
}
