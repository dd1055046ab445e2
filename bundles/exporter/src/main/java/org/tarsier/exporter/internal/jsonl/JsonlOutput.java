package org.tarsier.exporter.internal.jsonl;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.tarsier.api.Topics;
import org.tarsier.api.alert.Alert;
import org.tarsier.api.event.Event;
import org.tarsier.exporter.internal.ConfigReader;
import org.tarsier.exporter.internal.OutputCounters;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;

/**
 * Writes alerts, and optionally events, as JSON lines to files.
 *
 * <p>Alerts go to {@code alerts.path} in the shape of Falco's JSON output (see
 * {@link AlertJson}); events go to {@code events.path} as flat objects (see {@link EventJson}).
 * Events are off by default because the probes post many of them. Each enabled output registers
 * its own Event Admin handler and {@link OutputCounters} service, so a disabled output costs
 * nothing, and has its own bounded queue, so a flood of events cannot crowd out alerts.
 */
@Component(configurationPid = JsonlOutput.PID, service = {}, immediate = true)
@Designate(ocd = JsonlOutput.Config.class)
public final class JsonlOutput {

    static final String PID = "org.tarsier.output.jsonl";
    static final String ALERTS = "jsonl-alerts";
    static final String EVENTS = "jsonl-events";
    static final String DEFAULT_ALERTS_PATH = "var/log/tarsier/alerts.jsonl";
    static final String DEFAULT_EVENTS_PATH = "var/log/tarsier/events.jsonl";
    static final int DEFAULT_QUEUE_CAPACITY = 8192;
    static final int MAX_QUEUE_CAPACITY = 1_000_000;
    static final int DEFAULT_ROTATE_BYTES = 100 * 1024 * 1024;
    static final int DEFAULT_ROTATE_FILES = 5;

    /** Configuration of the JSON-lines output. */
    @ObjectClassDefinition(
            name = "Tarsier JSON-lines output",
            description = "Writes alerts and events as one JSON object per line")
    @interface Config {

        @AttributeDefinition(name = "Write alerts", description = "Whether alerts are written")
        boolean alerts_enabled() default true;

        @AttributeDefinition(
                name = "Alerts file",
                description = "File that alerts are appended to; a relative path is resolved"
                        + " against the agent's working directory. Missing directories are"
                        + " created.")
        String alerts_path() default DEFAULT_ALERTS_PATH;

        @AttributeDefinition(
                name = "Write events",
                description = "Whether every probe event is written; events are high-volume")
        boolean events_enabled() default false;

        @AttributeDefinition(
                name = "Events file",
                description = "File that events are appended to; must differ from the alerts"
                        + " file")
        String events_path() default DEFAULT_EVENTS_PATH;

        @AttributeDefinition(
                name = "Queue capacity",
                description = "Maximum number of records each output queues for its writer"
                        + " thread; records arriving at a full queue are dropped and counted",
                min = "1",
                max = "1000000")
        int queue_capacity() default DEFAULT_QUEUE_CAPACITY;

        @AttributeDefinition(
                name = "Maximum file size",
                description = "Size in bytes at which a file is renamed to FILE.1, FILE.1 to"
                        + " FILE.2 and so on; 0 leaves rotation to an external tool",
                min = "0",
                max = "2147483647")
        int rotate_bytes() default DEFAULT_ROTATE_BYTES;

        @AttributeDefinition(
                name = "Rotated files",
                description = "Number of rotated files kept beside the current one",
                min = "1",
                max = "1000")
        int rotate_files() default DEFAULT_ROTATE_FILES;

        @AttributeDefinition(
                name = "Host name",
                description = "Value of the hostname key of alerts; empty for the kernel's host"
                        + " name")
        String hostname() default "";
    }

    /** Validated settings; paths are absolute. */
    record Settings(boolean alertsEnabled, Path alertsPath, boolean eventsEnabled,
            Path eventsPath, int queueCapacity, String hostname, JsonlWriter.Rotation rotation) {
    }

    /** What a writer depends on; a change replaces the writer. */
    private record WriterSettings(Path path, int capacity, String hostname,
            JsonlWriter.Rotation rotation) {
    }

    private static final Gson GSON = new GsonBuilder()
            .serializeNulls()
            .disableHtmlEscaping()
            .create();

    private final Logger logger;
    private final Outlet alerts;
    private final Outlet events;
    private BundleContext context;
    private Settings settings;

    /** Creates the component; DS passes the logger. */
    @Activate
    public JsonlOutput(@Reference(service = LoggerFactory.class) Logger logger) {
        this.logger = logger;
        this.alerts = new Outlet(ALERTS, Topics.PROPERTY_ALERT, Alert.class,
                Topics.ALERT_PREFIX + "*");
        this.events = new Outlet(EVENTS, Topics.PROPERTY_EVENT, Event.class,
                Topics.EVENT_PREFIX + "*");
    }

    @Activate
    void activate(BundleContext bundleContext, Map<String, Object> properties) {
        context = bundleContext;
        settings = read(properties, defaults());
        apply();
        logger.info("JSON-lines output started: {}", describe(settings));
    }

    @Modified
    void modified(Map<String, Object> properties) {
        Settings next = read(properties, settings);
        if (next.equals(settings)) {
            return;
        }
        settings = next;
        apply();
        logger.info("JSON-lines output reconfigured: {}", describe(settings));
    }

    @Deactivate
    void deactivate() {
        alerts.stop();
        events.stop();
        logger.info("JSON-lines output stopped: alerts written={} dropped={}, events written={}"
                + " dropped={}", alerts.written(), alerts.dropped(), events.written(),
                events.dropped());
    }

    /** Returns the counts of the alert output, or {@code null} while it is disabled. */
    OutputCounters alertCounters() {
        return alerts.stream;
    }

    /** Returns the counts of the event output, or {@code null} while it is disabled. */
    OutputCounters eventCounters() {
        return events.stream;
    }

    /** Returns the handler of the alert output, or {@code null} while it is disabled. */
    EventHandler alertHandler() {
        return alerts.stream;
    }

    /** Returns the handler of the event output, or {@code null} while it is disabled. */
    EventHandler eventHandler() {
        return events.stream;
    }

    private void apply() {
        String hostname = settings.hostname();
        alerts.configure(settings.alertsEnabled(),
                new WriterSettings(settings.alertsPath(), settings.queueCapacity(), hostname,
                        settings.rotation()),
                record -> GSON.toJson(AlertJson.render((Alert) record, hostname)));
        events.configure(settings.eventsEnabled(),
                new WriterSettings(settings.eventsPath(), settings.queueCapacity(), "",
                        settings.rotation()),
                record -> GSON.toJson(EventJson.render((Event) record)));
    }

    private Settings read(Map<String, ?> properties, Settings previous) {
        ConfigReader reader = new ConfigReader(PID, properties);
        boolean alertsEnabled = reader.booleanValue("alerts.enabled", true);
        String alertsPath = reader.stringValue("alerts.path", DEFAULT_ALERTS_PATH,
                JsonlOutput::isPath, "a file path");
        boolean eventsEnabled = reader.booleanValue("events.enabled", false);
        String eventsPath = reader.stringValue("events.path", DEFAULT_EVENTS_PATH,
                JsonlOutput::isPath, "a file path");
        int capacity = reader.intValue("queue.capacity", DEFAULT_QUEUE_CAPACITY, 1,
                MAX_QUEUE_CAPACITY);
        String hostname = reader.stringValue("hostname", "", value -> true, "a host name");
        int rotateBytes = reader.intValue("rotate.bytes", DEFAULT_ROTATE_BYTES, 0,
                Integer.MAX_VALUE);
        int rotateFiles = reader.intValue("rotate.files", DEFAULT_ROTATE_FILES, 1, 1000);

        List<String> errors = new ArrayList<>(reader.errors());
        if (errors.isEmpty() && absolute(alertsPath).equals(absolute(eventsPath))) {
            errors.add("invalid configuration of PID " + PID + ": property events.path is '"
                    + eventsPath + "', expected a file other than alerts.path");
        }
        if (!errors.isEmpty()) {
            errors.forEach(message -> logger.error("{}; keeping {}", message, describe(previous)));
            return previous;
        }
        return new Settings(alertsEnabled, absolute(alertsPath), eventsEnabled,
                absolute(eventsPath), capacity,
                hostname.isEmpty() ? Hostnames.local() : hostname,
                new JsonlWriter.Rotation(rotateBytes, rotateFiles));
    }

    private static Settings defaults() {
        return new Settings(true, absolute(DEFAULT_ALERTS_PATH), false,
                absolute(DEFAULT_EVENTS_PATH), DEFAULT_QUEUE_CAPACITY, Hostnames.local(),
                new JsonlWriter.Rotation(DEFAULT_ROTATE_BYTES, DEFAULT_ROTATE_FILES));
    }

    private static boolean isPath(String value) {
        if (value.isEmpty()) {
            return false;
        }
        try {
            Path path = Path.of(value);
            return path.getFileName() != null && !Files.isDirectory(path);
        } catch (InvalidPathException e) {
            return false;
        }
    }

    private static Path absolute(String path) {
        return Path.of(path).toAbsolutePath().normalize();
    }

    private static String describe(Settings settings) {
        return "alerts.enabled=" + settings.alertsEnabled() + ", alerts.path="
                + settings.alertsPath() + ", events.enabled=" + settings.eventsEnabled()
                + ", events.path=" + settings.eventsPath() + ", queue.capacity="
                + settings.queueCapacity() + ", hostname=" + settings.hostname()
                + ", rotate.bytes=" + settings.rotation().maxBytes() + ", rotate.files="
                + settings.rotation().maxFiles();
    }

    /** One output with its service registration; started, reconfigured and stopped as a unit. */
    private final class Outlet {
        private final String name;
        private final String recordProperty;
        private final Class<?> recordType;
        private final String topic;
        private JsonlStream stream;
        private ServiceRegistration<?> registration;
        private WriterSettings current;
        private long finalWritten;
        private long finalDropped;

        private Outlet(String name, String recordProperty, Class<?> recordType, String topic) {
            this.name = name;
            this.recordProperty = recordProperty;
            this.recordType = recordType;
            this.topic = topic;
        }

        private void configure(boolean enabled, WriterSettings next,
                Function<Object, String> renderer) {
            if (!enabled) {
                stop();
                return;
            }
            if (stream == null) {
                stream = new JsonlStream(name, recordProperty, recordType, logger);
            } else if (next.equals(current)) {
                return;
            }
            current = next;
            stream.replaceWriter(new JsonlWriter(name, next.path(), next.rotation(),
                    next.capacity(), renderer, stream.writtenCounter(), stream.droppedCounter(),
                    logger));
            register();
        }

        private void register() {
            if (registration != null || context == null) {
                return;
            }
            Dictionary<String, Object> properties = new Hashtable<>();
            properties.put(EventConstants.EVENT_TOPIC, new String[] {topic});
            properties.put("tarsier.output", name);
            registration = context.registerService(
                    new String[] {EventHandler.class.getName(), OutputCounters.class.getName()},
                    stream, properties);
        }

        private void stop() {
            if (registration != null) {
                try {
                    registration.unregister();
                } catch (IllegalStateException e) {
                    // Already unregistered because the bundle is stopping.
                }
                registration = null;
            }
            if (stream != null) {
                stream.replaceWriter(null);
                finalWritten = stream.written();
                finalDropped = stream.dropped();
                stream = null;
                current = null;
            }
        }

        private long written() {
            return stream == null ? finalWritten : stream.written();
        }

        private long dropped() {
            return stream == null ? finalDropped : stream.dropped();
        }
    }

    /** Host name of the machine, as the kernel reports it. */
    public static final class Hostnames {
        private Hostnames() {
        }

        public static String local() {
            try {
                String name = Files.readString(Path.of("/proc/sys/kernel/hostname")).trim();
                if (!name.isEmpty()) {
                    return name;
                }
            } catch (IOException | SecurityException e) {
                // Not Linux, or /proc is not mounted: fall back to the environment.
            }
            String fromEnvironment = System.getenv("HOSTNAME");
            return fromEnvironment == null || fromEnvironment.isBlank() ? "localhost"
                    : fromEnvironment.trim();
        }
    }
}
