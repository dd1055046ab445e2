package org.tarsier.detector.rules.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
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
import org.tarsier.api.detector.Detector;
import org.tarsier.api.detector.DetectorStatus;
import org.tarsier.api.log.RateLimiter;
import org.tarsier.detector.rules.RuleEngine;
import org.tarsier.detector.rules.RuleInfo;
import org.tarsier.detector.rules.RulesStatus;
import org.tarsier.detector.rules.internal.eval.Engine;
import org.tarsier.detector.rules.internal.eval.UserNames;

/**
 * The rules detector: evaluates every Tarsier event against the loaded rules and posts alerts on
 * {@code org/tarsier/alert/rules}. Rules come from the bundle's default ruleset and the
 * configured folder, which is watched and reloaded when a file changes.
 *
 * <p>Events of all probes pass through an {@link EventSequencer} first, which evaluates them in
 * kernel timestamp order after a short delay. A {@link Detector} service, registered while the
 * component is active, publishes reload, rule and ordering counters. It is a separate object
 * because {@code Detector.status()} and {@code RuleEngine.status()} return different types.
 */
@Component(
        // immediate: the Detector service that readiness waits for must not wait for a first
        // event, which a quiet host may not produce for a long time
        immediate = true,
        configurationPid = Settings.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL,
        service = {EventHandler.class, RuleEngine.class},
        property = EventConstants.EVENT_TOPIC + "=" + Topics.EVENT_PREFIX + "*")
@Designate(ocd = RulesDetector.Config.class)
public final class RulesDetector implements EventHandler, RuleEngine {

    static final String DEFAULT_RULES_DIR = "etc/rules.d";
    static final double DEFAULT_ALERT_RATE = 1.0;
    static final int DEFAULT_ALERT_BURST = 10;
    static final long DEFAULT_DEBOUNCE_MS = 500;
    static final int DEFAULT_PROCESS_TABLE_SIZE = 32_768;
    static final long DEFAULT_REORDER_DELAY_MS = 50;

    private static final String ALERT_TOPIC = Topics.alertTopic(Engine.DETECTOR);

    /** Configuration of the rules detector. */
    @ObjectClassDefinition(name = "Tarsier rules detector",
            description = "Falco-compatible rules evaluated over Tarsier events")
    public @interface Config {
        @AttributeDefinition(description = "Folder of extra rules files (*.yaml, *.yml), loaded"
                + " in name order after the default ruleset and reloaded when they change")
        String rules_dir() default DEFAULT_RULES_DIR;

        @AttributeDefinition(description = "Whether the default ruleset of the bundle is loaded")
        boolean default_rules() default true;

        @AttributeDefinition(description = "Alerts per second allowed per rule and container,"
                + " refilling the token bucket")
        double alert_rate() default DEFAULT_ALERT_RATE;

        @AttributeDefinition(description = "Alerts a rule may raise at once per container (token"
                + " bucket size)")
        int alert_burst() default DEFAULT_ALERT_BURST;

        @AttributeDefinition(description = "Quiet time in milliseconds after a file change before"
                + " the rules are reloaded")
        long reload_debounce_ms() default DEFAULT_DEBOUNCE_MS;

        @AttributeDefinition(description = "Processes kept for parent and ancestor fields")
        int process_table_size() default DEFAULT_PROCESS_TABLE_SIZE;

        @AttributeDefinition(description = "Milliseconds each event is held, from 0 to 1000, so"
                + " that events of different probes are evaluated in kernel timestamp order;"
                + " every alert is delayed by up to this much plus 10 ms")
        long reorder_delay_ms() default DEFAULT_REORDER_DELAY_MS;
    }

    @Reference(service = LoggerFactory.class)
    private Logger logger;

    @Reference
    private EventAdmin eventAdmin;

    private final RateLimiter logLimiter = new RateLimiter(60_000);
    private Settings settings = Settings.DEFAULTS;
    private Engine engine;
    private volatile RulesManager manager;
    private EventSequencer sequencer;
    private ServiceRegistration<Detector> detectorRegistration;
    private FolderWatcher watcher;
    private long lastLoggedFailures;

    @Activate
    void activate(BundleContext context, Config config) {
        settings = validate(config);
        engine = new Engine(UserNames.readHost(), hostname(), settings.processTableSize(),
                System::nanoTime);
        engine.setRateLimit(settings.alertRate(), settings.alertBurst());
        sequencer = new EventSequencer(settings.reorderDelayMillis(), this::evaluate,
                "tarsier-rules-evaluator");
        start();
        detectorRegistration = context.registerService(Detector.class, new DetectorView(),
                new Hashtable<>(Map.of(Detector.PROPERTY_NAME, Engine.DETECTOR)));
        logger.info("rules detector started: rules.dir={} default.rules={} alert.rate={}/s"
                + " alert.burst={} reload.debounce.ms={} process.table.size={}"
                + " reorder.delay.ms={}", settings.rulesDir(), settings.defaultRules(),
                settings.alertRate(), settings.alertBurst(), settings.reloadDebounceMillis(),
                settings.processTableSize(), settings.reorderDelayMillis());
    }

    @Modified
    void modified(Config config) {
        Settings previous = settings;
        settings = validate(config);
        engine.setRateLimit(settings.alertRate(), settings.alertBurst());
        sequencer.setDelayMillis(settings.reorderDelayMillis());
        if (!settings.rulesDir().equals(previous.rulesDir())
                || settings.defaultRules() != previous.defaultRules()
                || settings.reloadDebounceMillis() != previous.reloadDebounceMillis()) {
            stopWatcher();
            start();
        }
        logger.info("rules detector reconfigured: rules.dir={} default.rules={} alert.rate={}/s"
                + " alert.burst={} reorder.delay.ms={}", settings.rulesDir(),
                settings.defaultRules(), settings.alertRate(), settings.alertBurst(),
                settings.reorderDelayMillis());
    }

    @Deactivate
    void deactivate() {
        detectorRegistration.unregister();
        stopWatcher();
        sequencer.close();
        logger.info("rules detector stopped: {} alerts posted, {} suppressed",
                engine.alerts(), engine.suppressed());
    }

    private Settings validate(Config config) {
        List<String> errors = Settings.newErrors();
        Settings valid = Settings.of(config, settings, errors);
        errors.forEach(logger::error);
        return valid;
    }

    private void start() {
        manager = new RulesManager(engine, settings.defaultRules(), settings.rulesDir());
        logReload(manager.reload());
        if (!FolderWatcher.canWatch(settings.rulesDir())) {
            logger.warn("rules folder {} does not exist; only the default ruleset is loaded and"
                    + " changes are not watched", settings.rulesDir().toAbsolutePath());
            return;
        }
        try {
            watcher = new FolderWatcher(settings.rulesDir(), settings.reloadDebounceMillis(),
                    () -> logReload(manager.reload()));
        } catch (IOException e) {
            logger.error("failed to watch rules folder {}; reload with rules:reload",
                    settings.rulesDir(), e);
        }
    }

    private void stopWatcher() {
        if (watcher != null) {
            watcher.close();
            watcher = null;
        }
    }

    private synchronized void logReload(RulesStatus status) {
        if (!status.lastError().isEmpty() && status.failedReloads() > 0
                && lastLoggedFailures < status.failedReloads()) {
            lastLoggedFailures = status.failedReloads();
            logger.error("rules reload rejected, previous rules stay active: {}",
                    status.lastError());
            return;
        }
        logger.info("rules loaded: {} rules active, {} skipped, reload {}",
                status.loadedRules(), status.skippedRules().size(), status.reloadCount());
        status.skippedRules().forEach(s -> logger.info("rule skipped: {}", s));
    }


    @Override
    public void handleEvent(Event event) {
        if (event.getProperty(Topics.PROPERTY_EVENT)
                instanceof org.tarsier.api.event.Event tarsierEvent) {
            sequencer.offer(tarsierEvent);
        }
    }

    /** Evaluates one event on the sequencer's thread and posts its alerts. */
    private void evaluate(org.tarsier.api.event.Event tarsierEvent) {
        List<Alert> alerts;
        try {
            alerts = engine.process(tarsierEvent);
        } catch (RuntimeException e) {
            if (logLimiter.permit("evaluate")) {
                logger.warn("failed to evaluate rules on {} event of pid {} ({} suppressed)",
                        tarsierEvent.topic(), tarsierEvent.header().pid(),
                        logLimiter.suppressed("evaluate"), e);
            }
            return;
        }
        for (Alert alert : alerts) {
            eventAdmin.postEvent(new Event(ALERT_TOPIC, Map.of(
                    Topics.PROPERTY_ALERT, alert,
                    Topics.PROPERTY_CONTAINER_ID, alert.container().id())));
        }
    }

    @Override
    public List<RuleInfo> rules() {
        var active = engine.ruleSet();
        return active == null ? List.of() : active.infos();
    }

    @Override
    public boolean setEnabled(String rule, boolean enabled) {
        var active = engine.ruleSet();
        boolean found = active != null && active.setEnabled(rule, enabled);
        if (found) {
            logger.info("rule {} {}", rule, enabled ? "enabled" : "disabled");
        }
        return found;
    }

    @Override
    public RulesStatus reload() {
        RulesStatus status = manager.reload();
        logReload(status);
        return status;
    }

    @Override
    public List<String> check(Path file) {
        return manager.check(file);
    }

    @Override
    public RulesStatus status() {
        return manager.status();
    }

    /** The detector's health for the exporter and the shell. */
    private final class DetectorView implements Detector {

        @Override
        public String name() {
            return Engine.DETECTOR;
        }

        @Override
        public String description() {
            return "Falco-compatible rules over process, syscall, file and TCP events";
        }

        /**
         * Returns the reload counters and, as gauges, the rule counts, the alerts posted and
         * the state of the reorder buffer.
         */
        @Override
        public DetectorStatus status() {
            List<RuleInfo> loaded = rules();
            Map<String, Double> gauges = new LinkedHashMap<>();
            gauges.put("rules_loaded", (double) loaded.size());
            gauges.put("rules_enabled", (double) loaded.stream().filter(RuleInfo::enabled)
                    .count());
            gauges.put("rules_skipped", (double) manager.status().skippedRules().size());
            gauges.put("alerts_posted", (double) engine.alerts());
            gauges.put("reorder_events_held", (double) sequencer.held());
            gauges.put("reorder_late_events", (double) sequencer.lateEvents());
            gauges.put("reorder_forced_releases", (double) sequencer.forcedReleases());
            return manager.detectorStatus(gauges);
        }
    }

    private static String hostname() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }
}
