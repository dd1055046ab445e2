package org.tarsier.console.internal.lifecycle;

import java.util.Collection;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.framework.launch.Framework;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;
import org.osgi.service.log.LogLevel;
import org.osgi.service.log.Logger;
import org.tarsier.api.Topics;
import org.tarsier.api.probe.Probe;

/**
 * Stops the agent in order after SIGTERM or SIGINT.
 *
 * <p>The steps are: tell systemd {@code STOPPING=1} and send {@link Topics#AGENT_STOPPING} so
 * that {@code /readyz} fails; wait the readiness grace period, so that a monitoring system can
 * see the agent as stopping before it stops observing; unload every probe, which detaches its BPF programs; wait, within
 * the drain timeout, until Event Admin has delivered a marker event posted after the last probe
 * event, once for events and once more for the alerts they caused; then stop the framework, so
 * every output flushes and closes in its deactivation. The process then exits with status 0, or
 * with {@link #EXIT_TIMEOUT} when the shutdown timeout ran out first.
 */
final class GracefulShutdown {

    /** Exit status when the shutdown timeout forces the exit. */
    static final int EXIT_TIMEOUT = 1;

    /** Exit status when the framework failed to stop. */
    static final int EXIT_FAILED = 2;

    private static final String DRAIN_TOPIC = Topics.AGENT_PREFIX + "DRAINED";

    /** Shutdown and drain bounds in milliseconds. */
    record Limits(long shutdownTimeoutMillis, long drainTimeoutMillis, long graceMillis) {
    }

    private final BundleContext context;
    private final Logger logger;
    private final Limits limits;
    private final SystemdNotifier notifier;
    private final Supplier<EventAdmin> eventAdmin;
    private final BiConsumer<LogLevel, String> lastWords;
    private final long startNanos = System.nanoTime();
    private final CountDownLatch exitDecided = new CountDownLatch(1);
    private volatile int exitStatus = EXIT_TIMEOUT;

    /**
     * @param lastWords writes one line to standard error after the Log Service has stopped
     */
    GracefulShutdown(BundleContext context, Logger logger, Limits limits,
            SystemdNotifier notifier, Supplier<EventAdmin> eventAdmin,
            BiConsumer<LogLevel, String> lastWords) {
        this.context = context;
        this.logger = logger;
        this.limits = limits;
        this.notifier = notifier;
        this.eventAdmin = eventAdmin;
        this.lastWords = lastWords;
    }

    /** Returns the milliseconds left before the shutdown timeout. */
    long remainingMillis() {
        long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
        return Math.max(0, limits.shutdownTimeoutMillis() - elapsed);
    }

    /**
     * Runs the shutdown and, when {@code exit} is true, ends the process with the exit status.
     * Called on a thread of its own.
     */
    void run(String reason, boolean exit) {
        if (exit) {
            guardExit();
        }
        logger.info("{} received: stopping the agent, timeout {} ms (drain {} ms)", reason,
                limits.shutdownTimeoutMillis(), limits.drainTimeoutMillis());
        announceStopping();
        waitGrace();
        unloadProbes();
        drain("events");
        drain("alerts");
        int status = stopFramework();
        long took = limits.shutdownTimeoutMillis() - remainingMillis();
        lastWords.accept(status == 0 ? LogLevel.INFO : LogLevel.ERROR, "agent stopped in " + took
                + " ms after " + reason + "; exit status " + status);
        exitStatus = status;
        exitDecided.countDown();
        if (exit) {
            Runtime.getRuntime().halt(status);
        }
    }

    /**
     * Makes sure the process ends with the chosen status: a watchdog ends it at the timeout, and
     * a shutdown hook delays any other exit (the launcher exits when the framework stops) until
     * the status is decided.
     */
    private void guardExit() {
        Thread watchdog = new Thread(this::haltAtTimeout, "tarsier-shutdown-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                exitDecided.await(remainingMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            Runtime.getRuntime().halt(exitStatus);
        }, "tarsier-exit-status"));
    }

    private void haltAtTimeout() {
        try {
            if (exitDecided.await(limits.shutdownTimeoutMillis(), TimeUnit.MILLISECONDS)) {
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        lastWords.accept(LogLevel.ERROR, "shutdown timed out after " + limits.shutdownTimeoutMillis()
                + " ms: exiting with status " + EXIT_TIMEOUT
                + "; the kernel removes BPF programs whose last file descriptor closes");
        Runtime.getRuntime().halt(EXIT_TIMEOUT);
    }

    private void announceStopping() {
        String error = notifier.send("STOPPING=1");
        if (!error.isEmpty()) {
            logger.warn("failed to notify systemd of the shutdown on {}: {}",
                    notifier.socketPath(), error);
        }
        EventAdmin admin = eventAdmin.get();
        if (admin == null) {
            logger.warn("no Event Admin: /readyz learns of the shutdown only when the exporter"
                    + " stops");
            return;
        }
        admin.sendEvent(new Event(Topics.AGENT_STOPPING, Map.of()));
    }

    private void waitGrace() {
        long grace = Math.min(limits.graceMillis(), remainingMillis());
        if (grace <= 0) {
            return;
        }
        try {
            Thread.sleep(grace);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void unloadProbes() {
        Collection<ServiceReference<Probe>> references;
        try {
            references = context.getServiceReferences(Probe.class, null);
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException("a null filter cannot be invalid", e);
        }
        for (ServiceReference<Probe> reference : references) {
            Probe probe = context.getService(reference);
            if (probe == null) {
                continue;
            }
            try {
                probe.unload();
                logger.info("probe {} unloaded, state {}", probe.name(), probe.state());
            } catch (RuntimeException e) {
                logger.error("failed to unload probe {} during shutdown; its programs go when"
                        + " the process exits", probe.name(), e);
            } finally {
                context.ungetService(reference);
            }
        }
    }

    /** Posts a marker and waits until Event Admin delivers it, within the drain timeout. */
    private void drain(String queued) {
        EventAdmin admin = eventAdmin.get();
        if (admin == null) {
            return;
        }
        CountDownLatch delivered = new CountDownLatch(1);
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put(EventConstants.EVENT_TOPIC, DRAIN_TOPIC);
        properties.put(EventConstants.EVENT_DELIVERY, EventConstants.DELIVERY_ASYNC_ORDERED);
        ServiceRegistration<EventHandler> registration = context.registerService(
                EventHandler.class, event -> delivered.countDown(), properties);
        long start = System.nanoTime();
        try {
            admin.postEvent(new Event(DRAIN_TOPIC, Map.of()));
            long bound = Math.min(limits.drainTimeoutMillis(), remainingMillis());
            if (delivered.await(bound, TimeUnit.MILLISECONDS)) {
                logger.info("Event Admin delivered the queued {} in {} ms", queued,
                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
            } else {
                logger.warn("Event Admin did not deliver the queued {} within {} ms; stopping"
                        + " anyway", queued, bound);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            registration.unregister();
        }
    }

    private int stopFramework() {
        Framework framework = (Framework) context.getBundle(0);
        try {
            framework.stop();
            FrameworkEvent event = framework.waitForStop(Math.max(1, remainingMillis()));
            return event.getType() == FrameworkEvent.WAIT_TIMEDOUT ? EXIT_TIMEOUT : 0;
        } catch (BundleException e) {
            lastWords.accept(LogLevel.ERROR, "failed to stop the framework: " + e);
            return EXIT_FAILED;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return EXIT_TIMEOUT;
        }
    }
}
