package org.tarsier.exporter.internal.alert;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.osgi.framework.BundleContext;
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
import org.tarsier.exporter.internal.ConfigReader;
import org.tarsier.exporter.internal.jsonl.JsonlOutput;

/**
 * Sends alerts to Alertmanager through its v2 API, {@code POST /api/v2/alerts}, in batches of
 * up to {@value #BATCH_SIZE}; see {@link AlertmanagerJson} for labels, annotations and
 * {@code endsAt}. Disabled by default.
 */
@Component(configurationPid = AlertmanagerOutput.PID, service = {}, immediate = true)
@Designate(ocd = AlertmanagerOutput.Config.class)
public final class AlertmanagerOutput {

    static final String PID = "org.tarsier.output.alertmanager";
    static final String OUTPUT = "alertmanager";
    static final String DEFAULT_URL = "http://127.0.0.1:9093";
    static final String ALERTS_PATH = "/api/v2/alerts";
    static final int BATCH_SIZE = 64;
    static final int DEFAULT_RESOLVE_SECONDS = 300;

    /** Configuration of the Alertmanager output. */
    @ObjectClassDefinition(
            name = "Tarsier Alertmanager output",
            description = "Sends alerts to Prometheus Alertmanager through its v2 API")
    @interface Config {

        @AttributeDefinition(description = "Whether alerts are sent to Alertmanager")
        boolean enabled() default false;

        @AttributeDefinition(description = "Base URL of Alertmanager; alerts are posted to"
                + " URL/api/v2/alerts")
        String url() default DEFAULT_URL;

        @AttributeDefinition(description = "Seconds after an alert's time at which Alertmanager"
                + " marks it resolved (endsAt)", min = "1")
        int resolve_seconds() default DEFAULT_RESOLVE_SECONDS;

        @AttributeDefinition(description = "Maximum number of alerts waiting to be sent; alerts"
                + " arriving at a full queue are dropped and counted", min = "1", max = "100000")
        int queue_capacity() default HttpOutputSettings.DEFAULT_QUEUE_CAPACITY;

        @AttributeDefinition(description = "Milliseconds before the first retry of a failed"
                + " request; the delay doubles with each failure", min = "10")
        int retry_initial_ms() default HttpOutputSettings.DEFAULT_RETRY_INITIAL_MILLIS;

        @AttributeDefinition(description = "Maximum milliseconds between retries", min = "10")
        int retry_max_ms() default HttpOutputSettings.DEFAULT_RETRY_MAX_MILLIS;

        @AttributeDefinition(description = "Connect and request timeout in milliseconds",
                min = "100")
        int timeout_ms() default HttpOutputSettings.DEFAULT_TIMEOUT_MILLIS;
    }

    /** Validated settings. */
    record Settings(HttpOutputSettings http, Duration resolveAfter) {
        String describe() {
            return http.describe() + ", resolve.seconds=" + resolveAfter.toSeconds();
        }
    }

    private final Logger logger;
    private final OutputService service = new OutputService();
    private final String hostname = JsonlOutput.Hostnames.local();
    private BundleContext context;
    private Settings settings = new Settings(
            HttpOutputSettings.defaults(DEFAULT_URL, BATCH_SIZE),
            Duration.ofSeconds(DEFAULT_RESOLVE_SECONDS));

    /** Creates the component; DS passes the logger. */
    @Activate
    public AlertmanagerOutput(@Reference(service = LoggerFactory.class) Logger logger) {
        this.logger = logger;
    }

    @Activate
    void activate(BundleContext bundleContext, Map<String, Object> properties) {
        context = bundleContext;
        settings = read(properties);
        apply();
        logger.info("Alertmanager output started: {}", settings.describe());
    }

    @Modified
    void modified(Map<String, Object> properties) {
        Settings next = read(properties);
        if (next.equals(settings)) {
            return;
        }
        settings = next;
        apply();
        logger.info("Alertmanager output reconfigured: {}", settings.describe());
    }

    @Deactivate
    void deactivate() {
        DeliveryQueue queue = service.queue();
        service.stop();
        logger.info("Alertmanager output stopped: sent={}, dropped={}",
                queue == null ? 0 : queue.written(), queue == null ? 0 : queue.dropped());
    }

    /** Returns the running queue, or {@code null} while the output is disabled. */
    DeliveryQueue queue() {
        return service.queue();
    }

    private void apply() {
        if (!settings.http().enabled()) {
            service.stop();
            return;
        }
        URI endpoint = URI.create(settings.http().url().toString().replaceAll("/+$", "")
                + ALERTS_PATH);
        JsonPoster poster = new JsonPoster(endpoint, settings.http().timeout());
        Duration resolveAfter = settings.resolveAfter();
        DeliveryQueue.Sender sender =
                batch -> poster.post(AlertmanagerJson.render(batch, hostname, resolveAfter));
        service.replace(context, new DeliveryQueue(OUTPUT, settings.http().limits(), sender,
                logger));
    }

    private Settings read(Map<String, ?> properties) {
        List<String> errors = new ArrayList<>();
        HttpOutputSettings http = HttpOutputSettings.read(PID, properties, DEFAULT_URL,
                BATCH_SIZE, errors);
        ConfigReader reader = new ConfigReader(PID, properties);
        int resolveSeconds = reader.intValue("resolve.seconds", DEFAULT_RESOLVE_SECONDS, 1,
                Integer.MAX_VALUE);
        errors.addAll(reader.errors());
        if (!errors.isEmpty()) {
            errors.forEach(message -> logger.error("{}; keeping {}", message,
                    settings.describe()));
            return settings;
        }
        return new Settings(http, Duration.ofSeconds(resolveSeconds));
    }
}
