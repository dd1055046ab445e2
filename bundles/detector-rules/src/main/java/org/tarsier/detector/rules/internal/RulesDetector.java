package org.tarsier.detector.rules.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
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
 */
@Component(
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
    }

    @Reference(service = LoggerFactory.class)
    private Logger logger;

    @Reference
    private EventAdmin eventAdmin;

    private final RateLimiter logLimiter = new RateLimiter(60_000);
    private Settings settings = Settings.DEFAULTS;
    private Engine engine;
    private volatile RulesManager manager;
    private FolderWatcher watcher;
    private long lastLoggedFailures;

    @Activate
    void activate(Config config) {
        settings = validate(config);
        engine = new Engine(UserNames.readHost(), hostname(), settings.processTableSize(),
                System::nanoTime);
        engine.setRateLimit(settings.alertRate(), settings.alertBurst());
        start();
        logger.info("rules detector started: rules.dir={} default.rules={} alert.rate={}/s"
                + " alert.burst={} reload.debounce.ms={} process.table.size={}",
                settings.rulesDir(), settings.defaultRules(), settings.alertRate(),
                settings.alertBurst(), settings.reloadDebounceMillis(),
                settings.processTableSize());
    }

    @Modified
    void modified(Config config) {
        Settings previous = settings;
        settings = validate(config);
        engine.setRateLimit(settings.alertRate(), settings.alertBurst());
        if (!settings.rulesDir().equals(previous.rulesDir())
                || settings.defaultRules() != previous.defaultRules()
                || settings.reloadDebounceMillis() != previous.reloadDebounceMillis()) {
            stopWatcher();
            start();
        }
        logger.info("rules detector reconfigured: rules.dir={} default.rules={} alert.rate={}/s"
                + " alert.burst={}", settings.rulesDir(), settings.defaultRules(),
                settings.alertRate(), settings.alertBurst());
    }

    @Deactivate
    void deactivate() {
        stopWatcher();
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
        if (!(event.getProperty(Topics.PROPERTY_EVENT)
                instanceof org.tarsier.api.event.Event tarsierEvent)) {
            return;
        }
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

    private static String hostname() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }
}
