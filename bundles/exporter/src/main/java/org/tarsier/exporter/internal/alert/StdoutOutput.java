package org.tarsier.exporter.internal.alert;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
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
import org.tarsier.exporter.internal.jsonl.AlertJson;
import org.tarsier.exporter.internal.jsonl.JsonlOutput;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;

/**
 * Writes each alert as one JSON line, in the Falco-compatible shape of {@link AlertJson}, to the
 * agent's standard output, for container platforms that collect a process's output. Disabled by
 * default, because the agent logs to standard error and an interactive shell uses standard
 * output.
 *
 * <p>The output writes to file descriptor 1 directly rather than through {@code System.out},
 * which the framework or tests may replace.
 */
@Component(configurationPid = StdoutOutput.PID, service = {}, immediate = true)
@Designate(ocd = StdoutOutput.Config.class)
public final class StdoutOutput {

    static final String PID = "org.tarsier.output.stdout";
    static final String OUTPUT = "stdout";
    static final int DEFAULT_QUEUE_CAPACITY = 8192;
    static final int BATCH_SIZE = 256;

    private static final Gson GSON = new GsonBuilder()
            .serializeNulls()
            .disableHtmlEscaping()
            .create();

    /** Configuration of the standard output. */
    @ObjectClassDefinition(
            name = "Tarsier standard output",
            description = "Writes alerts as JSON lines to the agent's standard output")
    @interface Config {

        @AttributeDefinition(description = "Whether alerts are written to standard output")
        boolean enabled() default false;

        @AttributeDefinition(description = "Maximum number of alerts waiting to be written;"
                + " alerts arriving at a full queue are dropped and counted", min = "1",
                max = "100000")
        int queue_capacity() default DEFAULT_QUEUE_CAPACITY;
    }

    /** Validated settings. */
    record Settings(boolean enabled, int queueCapacity) {
    }

    private final Logger logger;
    private final OutputService service = new OutputService();
    private final String hostname = JsonlOutput.Hostnames.local();
    private final OutputStream stdout = new FileOutputStream(FileDescriptor.out);
    private BundleContext context;
    private Settings settings = new Settings(false, DEFAULT_QUEUE_CAPACITY);

    /** Creates the component; DS passes the logger. */
    @Activate
    public StdoutOutput(@Reference(service = LoggerFactory.class) Logger logger) {
        this.logger = logger;
    }

    @Activate
    void activate(BundleContext bundleContext, Map<String, Object> properties) {
        context = bundleContext;
        settings = read(properties);
        apply();
        logger.info("standard output of alerts started: {}", describe());
    }

    @Modified
    void modified(Map<String, Object> properties) {
        Settings next = read(properties);
        if (next.equals(settings)) {
            return;
        }
        settings = next;
        apply();
        logger.info("standard output of alerts reconfigured: {}", describe());
    }

    @Deactivate
    void deactivate() {
        service.stop();
        logger.info("standard output of alerts stopped");
    }

    private void apply() {
        if (!settings.enabled()) {
            service.stop();
            return;
        }
        DeliveryQueue.Sender sender = batch -> {
            StringBuilder lines = new StringBuilder();
            batch.forEach(alert ->
                    lines.append(GSON.toJson(AlertJson.render(alert, hostname))).append('\n'));
            stdout.write(lines.toString().getBytes(StandardCharsets.UTF_8));
            stdout.flush();
        };
        // Retries start after 100 ms and back off to one per second, because a write to standard
        // output fails only when its reader has gone; a stalled reader blocks the sender thread
        // instead, and new alerts then fill the queue and are counted as dropped.
        DeliveryQueue.Limits limits = new DeliveryQueue.Limits(settings.queueCapacity(),
                BATCH_SIZE, 100, 1_000, 1_000);
        service.replace(context, new DeliveryQueue(OUTPUT, limits, sender, logger));
    }

    private Settings read(Map<String, ?> properties) {
        ConfigReader reader = new ConfigReader(PID, properties);
        boolean enabled = reader.booleanValue("enabled", false);
        int capacity = reader.intValue("queue.capacity", DEFAULT_QUEUE_CAPACITY, 1, 100_000);
        if (!reader.errors().isEmpty()) {
            reader.errors().forEach(message -> logger.error("{}; keeping {}", message,
                    describe()));
            return settings;
        }
        return new Settings(enabled, capacity);
    }

    private String describe() {
        return "enabled=" + settings.enabled() + ", queue.capacity=" + settings.queueCapacity();
    }
}
