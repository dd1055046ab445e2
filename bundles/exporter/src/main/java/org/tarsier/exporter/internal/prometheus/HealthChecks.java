package org.tarsier.exporter.internal.prometheus;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongSupplier;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.tarsier.api.container.ContainerResolver;
import org.tarsier.api.detector.Detector;
import org.tarsier.api.probe.Probe;
import org.tarsier.api.probe.ProbeState;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;

/**
 * Liveness and readiness of the agent, as served on {@code /livez} and {@code /readyz}.
 *
 * <p>The agent is ready when it is not shutting down, the framework has finished starting, every
 * Tarsier bundle is active, every probe bundle registers a probe and every detector bundle a
 * detector, every probe whose {@code autoload} property is not {@code false} is
 * {@link ProbeState#LOADED}, and a container resolver is registered. It is live while Event Admin
 * delivers the exporter's heartbeat events: a heartbeat that has waited longer than the dispatch
 * timeout means the asynchronous dispatch is stuck.
 */
final class HealthChecks {

    /** One check that fails, with the component it concerns. */
    record Failure(String component, String state, String detail) {
    }

    /** Result of a liveness or readiness evaluation. */
    record Report(boolean ok, List<Failure> failures) {

        /** Returns the JSON body: {@code status} and, when not ok, the failing checks. */
        String json() {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("status", ok ? "ok" : "failing");
            body.put("failing", failures);
            return GSON.toJson(body) + "\n";
        }
    }

    private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().create();
    private static final String TARSIER_PREFIX = "org.tarsier.";
    private static final String AUTOLOAD = "autoload";

    private final BundleContext context;
    private final LongSupplier nanoClock;
    private final long dispatchTimeoutNanos;
    private final List<Probe> probes = new CopyOnWriteArrayList<>();
    private volatile ContainerResolver resolver;
    private volatile boolean stopping;
    private volatile long heartbeatPostedNanos;
    private volatile boolean heartbeatPending;

    /**
     * @param context the exporter's bundle context, or {@code null} outside a framework, where
     *     only the tracked services and the shutdown flag are checked
     * @param dispatchTimeoutNanos how long a heartbeat may wait before dispatch counts as stuck
     */
    HealthChecks(BundleContext context, LongSupplier nanoClock, long dispatchTimeoutNanos) {
        this.context = context;
        this.nanoClock = nanoClock;
        this.dispatchTimeoutNanos = dispatchTimeoutNanos;
    }

    void addProbe(Probe probe) {
        probes.add(probe);
    }

    void removeProbe(Probe probe) {
        probes.remove(probe);
    }

    void setResolver(ContainerResolver containerResolver) {
        resolver = containerResolver;
    }

    /** Marks the agent as shutting down; readiness fails from now on. */
    void markStopping() {
        stopping = true;
    }

    /** Records that a heartbeat event was posted, unless an earlier one is still pending. */
    void heartbeatPosted() {
        if (!heartbeatPending) {
            heartbeatPostedNanos = nanoClock.getAsLong();
            heartbeatPending = true;
        }
    }

    /** Records that Event Admin delivered a heartbeat event. */
    void heartbeatDelivered() {
        heartbeatPending = false;
    }

    /** Returns whether the process and Event Admin's asynchronous dispatch work. */
    Report liveness() {
        List<Failure> failures = new ArrayList<>();
        if (heartbeatPending) {
            long waitedNanos = nanoClock.getAsLong() - heartbeatPostedNanos;
            if (waitedNanos > dispatchTimeoutNanos) {
                failures.add(new Failure("event-admin", "stuck", "heartbeat posted "
                        + waitedNanos / 1_000_000 + " ms ago is not delivered yet"));
            }
        }
        return new Report(failures.isEmpty(), failures);
    }

    /** Returns whether the agent observes the kernel and detects as configured. */
    Report readiness() {
        List<Failure> failures = new ArrayList<>();
        if (stopping) {
            failures.add(new Failure("agent", "stopping", "graceful shutdown in progress"));
        }
        if (context != null) {
            checkBundles(failures);
        }
        checkProbes(failures);
        if (resolver == null) {
            failures.add(new Failure("container-resolver", "missing",
                    "no ContainerResolver service is registered"));
        }
        return new Report(failures.isEmpty(), failures);
    }

    private void checkBundles(List<Failure> failures) {
        Bundle system = context.getBundle(0);
        if (system.getState() != Bundle.ACTIVE) {
            failures.add(new Failure("framework", stateName(system.getState()),
                    "the framework is not started"));
        }
        for (Bundle bundle : context.getBundles()) {
            String name = bundle.getSymbolicName();
            // Fragments never become active, so only their hosts are checked.
            if (name == null || !name.startsWith(TARSIER_PREFIX)
                    || bundle.getHeaders("").get(Constants.FRAGMENT_HOST) != null) {
                continue;
            }
            if (bundle.getState() != Bundle.ACTIVE) {
                failures.add(new Failure("bundle:" + name, stateName(bundle.getState()),
                        "bundle " + bundle.getBundleId() + " is not active"));
            } else if (!registersExpectedService(bundle)) {
                failures.add(new Failure("bundle:" + name, "no-service", "bundle "
                        + bundle.getBundleId() + " has not registered its " + expectedService(name)
                        + " service"));
            }
        }
    }

    private static boolean registersExpectedService(Bundle bundle) {
        String expected = expectedService(bundle.getSymbolicName());
        if (expected == null) {
            return true;
        }
        ServiceReference<?>[] registered = bundle.getRegisteredServices();
        if (registered == null) {
            return false;
        }
        for (ServiceReference<?> reference : registered) {
            for (String objectClass : (String[]) reference.getProperty("objectClass")) {
                if (objectClass.equals(expected)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static String expectedService(String symbolicName) {
        if (symbolicName.startsWith(TARSIER_PREFIX + "probe.")) {
            return Probe.class.getName();
        }
        if (symbolicName.startsWith(TARSIER_PREFIX + "detector.")) {
            return Detector.class.getName();
        }
        if (symbolicName.startsWith(TARSIER_PREFIX + "container.")) {
            return ContainerResolver.class.getName();
        }
        return null;
    }

    private void checkProbes(List<Failure> failures) {
        Collection<String> notAutoloaded = probesWithoutAutoload();
        for (Probe probe : probes) {
            ProbeState state = probe.state();
            if (state == ProbeState.LOADED || notAutoloaded.contains(probe.name())) {
                continue;
            }
            String detail = state == ProbeState.FAILED
                    ? "load failed: " + probe.lastError()
                    : "programs are not loaded; load them with probe:load " + probe.name();
            failures.add(new Failure("probe:" + probe.name(), state.name(), detail));
        }
    }

    /** Returns the names of probes configured with {@code autoload=false}. */
    private Collection<String> probesWithoutAutoload() {
        List<String> names = new ArrayList<>();
        if (context == null) {
            return names;
        }
        try {
            for (ServiceReference<Probe> reference
                    : context.getServiceReferences(Probe.class, null)) {
                Object autoload = reference.getProperty(AUTOLOAD);
                if (autoload != null && "false".equalsIgnoreCase(autoload.toString().strip())) {
                    names.add(String.valueOf(reference.getProperty(Probe.PROPERTY_NAME)));
                }
            }
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException("a null filter cannot be invalid", e);
        } catch (IllegalStateException e) {
            // The exporter's bundle context is no longer valid: the bundle is stopping.
        }
        return names;
    }

    private static String stateName(int state) {
        return switch (state) {
            case Bundle.INSTALLED -> "installed";
            case Bundle.RESOLVED -> "resolved";
            case Bundle.STARTING -> "starting";
            case Bundle.STOPPING -> "stopping";
            case Bundle.ACTIVE -> "active";
            default -> "uninstalled";
        };
    }
}
