package org.tarsier.console.internal.lifecycle;

import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.FrameworkListener;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.tarsier.console.internal.InvalidProperty;
import org.tarsier.console.internal.log.LogWriter;

/**
 * The agent as a daemon: handles SIGTERM and SIGINT with a {@link GracefulShutdown}, SIGHUP with
 * a {@link ConfigReload}, and sends {@code READY=1} to systemd once the framework has started.
 *
 * <p>Without {@code sun.misc} in the framework's exported packages the component falls back to
 * a JVM shutdown hook, which stops in the same order but leaves the exit status to the JVM (143
 * after SIGTERM) and has no SIGHUP reload.
 */
@Component(
        configurationPid = AgentLifecycle.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL,
        service = {},
        immediate = true)
@Designate(ocd = AgentLifecycle.Config.class)
public class AgentLifecycle {

    static final String PID = "org.tarsier.agent";
    static final int DEFAULT_SHUTDOWN_TIMEOUT_SECONDS = 20;
    static final int DEFAULT_DRAIN_TIMEOUT_SECONDS = 5;

    /** Shutdown bounds. */
    @ObjectClassDefinition(
            id = PID,
            name = "Tarsier agent lifecycle",
            description = "Signal handling and graceful shutdown of the agent process")
    @interface Config {

        @AttributeDefinition(
                name = "Shutdown timeout",
                description = "Seconds from SIGTERM or SIGINT until the process exits anyway,"
                        + " with status 1; systemd's TimeoutStopSec must be longer",
                min = "1")
        int shutdown_timeout_seconds() default DEFAULT_SHUTDOWN_TIMEOUT_SECONDS;

        @AttributeDefinition(
                name = "Drain timeout",
                description = "Seconds to wait, within the shutdown timeout, for Event Admin to"
                        + " deliver queued events and then queued alerts after the probes"
                        + " detach",
                min = "0")
        int drain_timeout_seconds() default DEFAULT_DRAIN_TIMEOUT_SECONDS;

        @AttributeDefinition(
                name = "Readiness grace",
                description = "Seconds between /readyz turning 503 and the probes detaching,"
                        + " within the shutdown timeout, so that a monitoring system sees the"
                        + " agent stopping",
                min = "0")
        int readiness_grace_seconds() default 0;
    }

    @Reference(service = LoggerFactory.class)
    private Logger logger;

    @Reference(
            cardinality = ReferenceCardinality.OPTIONAL,
            policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile EventAdmin eventAdmin;

    @Reference(
            cardinality = ReferenceCardinality.OPTIONAL,
            policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile ConfigurationAdmin configurationAdmin;

    private final AtomicBoolean stopping = new AtomicBoolean();
    private final SystemdNotifier notifier = SystemdNotifier.fromEnvironment();
    private final FrameworkListener startedListener = this::frameworkEvent;
    private BundleContext context;
    private volatile GracefulShutdown.Limits limits = new GracefulShutdown.Limits(
            DEFAULT_SHUTDOWN_TIMEOUT_SECONDS * 1000L, DEFAULT_DRAIN_TIMEOUT_SECONDS * 1000L, 0);
    private volatile GracefulShutdown shutdown;
    private Signals signals;
    private Thread shutdownHook;

    @Activate
    void activate(BundleContext bundleContext, Config config, Map<String, Object> properties) {
        context = bundleContext;
        apply(config, properties);
        String handling = installHandlers();
        context.addFrameworkListener(startedListener);
        if (context.getBundle(0).getState() == Bundle.ACTIVE) {
            notifyReady();
        }
        logger.info("Agent lifecycle started: {}, signals: {}, systemd notify socket: {}",
                describe(limits), handling, notifier.enabled() ? notifier.socketPath() : "none");
    }

    @Modified
    void modified(Config config, Map<String, Object> properties) {
        apply(config, properties);
        logger.info("Agent lifecycle reconfigured: {}", describe(limits));
    }

    @Deactivate
    void deactivate() {
        context.removeFrameworkListener(startedListener);
        if (stopping.get()) {
            // The handlers stay, so that another SIGTERM during the shutdown is only logged.
            logger.info("Agent lifecycle stopping during the shutdown");
            return;
        }
        if (signals != null) {
            signals.restore();
        }
        if (shutdownHook != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException e) {
                // The JVM is already exiting, and the hook is what stops the framework.
            }
        }
        logger.info("Agent lifecycle stopped: signal handlers restored");
    }

    private String installHandlers() {
        try {
            signals = new Signals();
            Map<String, String> failed = signals.install(this::signal, Signals.TERM,
                    Signals.INT, Signals.HUP);
            failed.forEach((name, error) -> logger.warn("cannot handle SIG{}: {}", name, error));
            for (String name : signals.wereIgnored()) {
                logger.warn("SIG{} was ignored when the agent started ({}); the agent handles"
                        + " it now", name, ignoredBy(name));
            }
            return "SIGTERM, SIGINT and SIGHUP handled" + (failed.isEmpty() ? ""
                    : " except " + failed.keySet());
        } catch (NoClassDefFoundError e) {
            signals = null;
            shutdownHook = new Thread(() -> startShutdown("JVM shutdown", false),
                    "tarsier-shutdown-hook");
            Runtime.getRuntime().addShutdownHook(shutdownHook);
            logger.warn("sun.misc.Signal is not available ({}): stopping from a JVM shutdown"
                    + " hook, exit status chosen by the JVM, no SIGHUP reload", e.toString());
            return "JVM shutdown hook";
        }
    }

    /** Returns the usual cause of a signal being ignored when the agent starts. */
    private static String ignoredBy(String signal) {
        return switch (signal) {
            case Signals.HUP -> "nohup does that";
            case Signals.INT -> "a shell does that for a background job";
            default -> "the process that started the agent set it so";
        };
    }

    /** Runs the SIGHUP reload and logs a failure that would otherwise end its thread silently. */
    private void reload() {
        try {
            new ConfigReload(context, logger).run(configurationAdmin);
        } catch (RuntimeException e) {
            logger.error("SIGHUP: reload failed; the previous configuration stays active", e);
        }
    }

    private void signal(String name) {
        if (name.equals(Signals.HUP)) {
            Thread reload = new Thread(this::reload, "tarsier-reload");
            reload.start();
            return;
        }
        if (stopping.get()) {
            GracefulShutdown current = shutdown;
            logger.warn("SIG{} received during the shutdown: still stopping, {} ms left before"
                    + " the forced exit", name, current == null ? 0 : current.remainingMillis());
            return;
        }
        Thread thread = new Thread(() -> startShutdown("SIG" + name, true), "tarsier-shutdown");
        thread.start();
    }

    private void startShutdown(String reason, boolean exit) {
        if (!stopping.compareAndSet(false, true)) {
            return;
        }
        GracefulShutdown created = new GracefulShutdown(context, logger, limits, notifier,
                () -> eventAdmin, LogWriter::writeDirectly);
        shutdown = created;
        created.run(reason, exit);
    }

    private void frameworkEvent(FrameworkEvent event) {
        if (event.getType() == FrameworkEvent.STARTED) {
            notifyReady();
        }
    }

    private void notifyReady() {
        String error = notifier.send("READY=1");
        if (!error.isEmpty()) {
            logger.warn("failed to notify systemd that the agent started on {}: {}",
                    notifier.socketPath(), error);
        }
    }

    private void apply(Config config, Map<String, Object> properties) {
        long shutdown = checked(config.shutdown_timeout_seconds(), 1,
                "shutdown.timeout.seconds", limits.shutdownTimeoutMillis(), properties);
        long drain = checked(config.drain_timeout_seconds(), 0, "drain.timeout.seconds",
                limits.drainTimeoutMillis(), properties);
        long grace = checked(config.readiness_grace_seconds(), 0, "readiness.grace.seconds",
                limits.graceMillis(), properties);
        limits = new GracefulShutdown.Limits(shutdown, drain, grace);
    }

    /** Returns {@code seconds} in milliseconds, or logs an error and returns the previous value. */
    private long checked(int seconds, int min, String property, long previousMillis,
            Map<String, Object> properties) {
        if (seconds >= min) {
            return seconds * 1000L;
        }
        InvalidProperty invalid = new InvalidProperty(PID, property, properties.get(property),
                "an integer of at least " + min);
        logger.error(invalid.message(property + "=" + previousMillis / 1000));
        return previousMillis;
    }

    private static String describe(GracefulShutdown.Limits limits) {
        return "shutdown.timeout.seconds=" + limits.shutdownTimeoutMillis() / 1000
                + ", drain.timeout.seconds=" + limits.drainTimeoutMillis() / 1000
                + ", readiness.grace.seconds=" + limits.graceMillis() / 1000;
    }
}
