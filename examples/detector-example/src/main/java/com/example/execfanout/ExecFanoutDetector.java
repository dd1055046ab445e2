package com.example.execfanout;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
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
import org.tarsier.api.alert.Alert;
import org.tarsier.api.container.ContainerInfo;
import org.tarsier.api.detector.Detector;
import org.tarsier.api.detector.DetectorStatus;
import org.tarsier.api.event.ExecEvent;

/**
 * Example third-party detector: raises an alert when a container runs more distinct binaries
 * than {@code binaries.max} within {@code window.seconds}, a pattern of discovery scripts and
 * of attackers trying tools one after another.
 *
 * <p>It subscribes to the process probe's exec events, registers the {@link Detector} service so
 * that the exporter publishes its status, and posts {@link Alert}s on
 * {@code org/tarsier/alert/exec-fanout}, where the exporter counts them and writes them to its
 * outputs. Only the public API packages {@code org.tarsier.api.*} are used.
 */
@Component(
        configurationPid = Settings.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL,
        service = {EventHandler.class, Detector.class},
        property = {
            EventConstants.EVENT_TOPIC + "=" + Topics.PROCESS_EXEC,
            Detector.PROPERTY_NAME + "=" + ExecFanoutDetector.NAME
        })
@Designate(ocd = ExecFanoutDetector.Config.class)
public final class ExecFanoutDetector implements EventHandler, Detector {

    static final String NAME = "exec-fanout";
    static final String RULE = "Container ran many distinct binaries";
    static final int DEFAULT_BINARIES_MAX = 8;
    static final int DEFAULT_WINDOW_SECONDS = 10;
    static final int DEFAULT_ALERT_INTERVAL_SECONDS = 60;
    static final int DEFAULT_CONTAINERS_MAX = 1_024;

    private static final String ALERT_TOPIC = Topics.alertTopic(NAME);

    /** Configuration of the exec fan-out detector. */
    @ObjectClassDefinition(name = "Example exec fan-out detector",
            description = "Alerts when a container runs many distinct binaries in a window")
    public @interface Config {
        @AttributeDefinition(description = "Distinct binaries a container may run in one window"
                + " without an alert, at least 1")
        int binaries_max() default DEFAULT_BINARIES_MAX;

        @AttributeDefinition(description = "Length of the window in seconds, at least 1")
        int window_seconds() default DEFAULT_WINDOW_SECONDS;

        @AttributeDefinition(description = "Seconds between two alerts about one container;"
                + " 0 for no limit")
        int alert_interval_seconds() default DEFAULT_ALERT_INTERVAL_SECONDS;

        @AttributeDefinition(description = "Falco priority of the alerts")
        String priority() default "warning";

        @AttributeDefinition(description = "Containers tracked at once, at least 1")
        int containers_max() default DEFAULT_CONTAINERS_MAX;
    }

    @Reference(service = LoggerFactory.class)
    private Logger logger;

    @Reference
    private EventAdmin eventAdmin;

    private final Object lock = new Object();
    private Settings settings = Settings.DEFAULTS;
    private FanoutTracker tracker;
    private String version = "";
    private long execsSeen;
    private long alertsPosted;
    private long reloads;
    private long reloadErrors;
    private String lastError = "";
    private Instant lastReload;

    @Activate
    void activate(BundleContext context, Config config) {
        version = context.getBundle().getVersion().toString();
        List<String> errors = validate(config);
        synchronized (lock) {
            tracker = new FanoutTracker(settings);
            recordReload(errors);
        }
        logger.info("exec fan-out detector {} started: {}", version, settings.describe());
    }

    @Modified
    void modified(Config config) {
        List<String> errors = validate(config);
        synchronized (lock) {
            tracker.reconfigure(settings);
            recordReload(errors);
        }
        logger.info("exec fan-out detector {} configured: {}", version, settings.describe());
    }

    @Deactivate
    void deactivate() {
        synchronized (lock) {
            logger.info("exec fan-out detector {} stopped: {} execs seen, {} alerts posted,"
                    + " {} suppressed", version, execsSeen, alertsPosted, tracker.suppressed());
        }
    }

    /**
     * Counts one exec. Event Admin calls this on the probe's dispatcher thread, so it only
     * updates counters under a short lock and hands alerts to the asynchronous {@code postEvent}.
     */
    @Override
    public void handleEvent(Event event) {
        if (!(event.getProperty(Topics.PROPERTY_EVENT) instanceof ExecEvent exec)
                || exec.container().isHost()) {
            return;
        }
        FanoutTracker.Finding finding;
        Settings current;
        synchronized (lock) {
            execsSeen++;
            finding = tracker.record(exec.container().id(), exec.filename(),
                    exec.header().time());
            if (finding != null) {
                alertsPosted++;
            }
            current = settings;
        }
        if (finding != null) {
            Alert alert = alert(exec, finding, current);
            eventAdmin.postEvent(new Event(ALERT_TOPIC, Map.of(
                    Topics.PROPERTY_ALERT, alert,
                    Topics.PROPERTY_CONTAINER_ID, alert.container().id())));
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "containers that run more than a set number of distinct binaries in a window"
                + " (example third-party detector " + version + ")";
    }

    @Override
    public DetectorStatus status() {
        synchronized (lock) {
            Map<String, Double> gauges = Map.of(
                    "containers_tracked", (double) tracker.containersTracked(),
                    "containers_dropped", (double) tracker.containersDropped(),
                    "execs_seen", (double) execsSeen,
                    "alerts_posted", (double) alertsPosted);
            return new DetectorStatus(tracker.suppressed(), reloads, reloadErrors, lastError,
                    lastReload, gauges);
        }
    }

    private Alert alert(ExecEvent exec, FanoutTracker.Finding finding, Settings current) {
        ContainerInfo container = exec.container();
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("proc.exepath", exec.filename());
        fields.put("proc.cmdline", exec.cmdline());
        fields.put("proc.pid", exec.header().pid());
        fields.put("proc.ppid", exec.header().ppid());
        fields.put("user.uid", exec.header().uid());
        fields.put("container.id", container.id());
        fields.put("container.name", container.name());
        fields.put("container.image", container.image());

        Map<String, Object> evidence = new LinkedHashMap<>();
        evidence.put("binaries.distinct", finding.binaries().size());
        evidence.put("binaries.max", current.binariesMax());
        evidence.put("binaries", finding.binaries());
        evidence.put("window.start", finding.windowStart().toString());
        evidence.put("window.seconds", current.window().toSeconds());
        evidence.put("suppressed", finding.suppressedBefore());
        evidence.put("detector.version", version);

        String message = finding.binaries().size() + " distinct binaries within "
                + current.window().toSeconds() + " s in container "
                + (container.name().isEmpty() ? container.shortId() : container.name())
                + " (id=" + container.shortId() + " image=" + container.image()
                + "), more than the maximum of " + current.binariesMax() + "; last: "
                + exec.cmdline();
        return new Alert(UUID.randomUUID().toString(), finding.time(), NAME, RULE,
                current.priority(), message, fields, List.of("process", "example", "T1082"),
                evidence, container);
    }

    private List<String> validate(Config config) {
        List<String> errors = Settings.newErrors();
        Settings validated = Settings.of(config, settings, errors);
        errors.forEach(logger::error);
        synchronized (lock) {
            settings = validated;
        }
        return errors;
    }

    private void recordReload(List<String> errors) {
        if (errors.isEmpty()) {
            reloads++;
            lastError = "";
            lastReload = Instant.now();
        } else {
            reloadErrors++;
            lastError = errors.get(errors.size() - 1);
        }
    }
}
