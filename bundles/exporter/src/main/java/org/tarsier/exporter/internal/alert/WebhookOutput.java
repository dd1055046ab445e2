package org.tarsier.exporter.internal.alert;

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
import org.tarsier.api.alert.Alert;
import org.tarsier.exporter.internal.jsonl.AlertJson;
import org.tarsier.exporter.internal.jsonl.JsonlOutput;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;

/**
 * Posts each alert as one JSON object, in the Falco-compatible shape of {@link AlertJson}, to a
 * configured URL, as Falco's HTTP output and Falcosidekick's webhook do. Disabled by default.
 */
@Component(configurationPid = WebhookOutput.PID, service = {}, immediate = true)
@Designate(ocd = WebhookOutput.Config.class)
public final class WebhookOutput {

    static final String PID = "org.tarsier.output.webhook";
    static final String OUTPUT = "webhook";
    static final String DEFAULT_URL = "http://127.0.0.1:2801/";

    private static final Gson GSON = new GsonBuilder()
            .serializeNulls()
            .disableHtmlEscaping()
            .create();

    /** Configuration of the webhook output. */
    @ObjectClassDefinition(
            name = "Tarsier webhook output",
            description = "Posts each alert as a JSON object to a URL")
    @interface Config {

        @AttributeDefinition(description = "Whether alerts are posted")
        boolean enabled() default false;

        @AttributeDefinition(description = "URL that receives one POST per alert")
        String url() default DEFAULT_URL;

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

    private final Logger logger;
    private final OutputService service = new OutputService();
    private final String hostname = JsonlOutput.Hostnames.local();
    private BundleContext context;
    private HttpOutputSettings settings = HttpOutputSettings.defaults(DEFAULT_URL, 1);

    /** Creates the component; DS passes the logger. */
    @Activate
    public WebhookOutput(@Reference(service = LoggerFactory.class) Logger logger) {
        this.logger = logger;
    }

    @Activate
    void activate(BundleContext bundleContext, Map<String, Object> properties) {
        context = bundleContext;
        settings = read(properties);
        apply();
        logger.info("webhook output started: {}", settings.describe());
    }

    @Modified
    void modified(Map<String, Object> properties) {
        HttpOutputSettings next = read(properties);
        if (next.equals(settings)) {
            return;
        }
        settings = next;
        apply();
        logger.info("webhook output reconfigured: {}", settings.describe());
    }

    @Deactivate
    void deactivate() {
        DeliveryQueue queue = service.queue();
        service.stop();
        logger.info("webhook output stopped: sent={}, dropped={}",
                queue == null ? 0 : queue.written(), queue == null ? 0 : queue.dropped());
    }

    /** Returns the running queue, or {@code null} while the output is disabled. */
    DeliveryQueue queue() {
        return service.queue();
    }

    private void apply() {
        if (!settings.enabled()) {
            service.stop();
            return;
        }
        JsonPoster poster = new JsonPoster(settings.url(), settings.timeout());
        DeliveryQueue.Sender sender = batch -> {
            for (Alert alert : batch) {
                poster.post(GSON.toJson(AlertJson.render(alert, hostname)));
            }
        };
        service.replace(context, new DeliveryQueue(OUTPUT, settings.limits(), sender, logger));
    }

    private HttpOutputSettings read(Map<String, ?> properties) {
        List<String> errors = new ArrayList<>();
        HttpOutputSettings next = HttpOutputSettings.read(PID, properties, DEFAULT_URL, 1,
                errors);
        if (next == null) {
            errors.forEach(message -> logger.error("{}; keeping {}", message,
                    settings.describe()));
            return settings;
        }
        return next;
    }
}
