package org.tarsier.itest;

import java.io.IOException;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Map;

import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.util.tracker.ServiceTracker;
import org.tarsier.api.probe.Probe;
import org.tarsier.api.probe.ProbeState;

/** Looks up the agent's services and changes its configuration the way an operator would. */
final class Services {

    private Services() {
    }

    /** Waits for a service, failing with the type and filter when it does not appear. */
    static <T> T await(BundleContext context, Class<T> type, String filter, long timeoutMillis)
            throws InterruptedException, InvalidSyntaxException {
        String combined = "(&(objectClass=" + type.getName() + ")" + filter + ")";
        ServiceTracker<T, T> tracker =
                new ServiceTracker<>(context, context.createFilter(combined), null);
        tracker.open();
        T service = tracker.waitForService(timeoutMillis);
        if (service == null) {
            throw new AssertionError("no service " + combined + " within " + timeoutMillis + " ms");
        }
        return service;
    }

    /** Returns the named probe once its service is registered. */
    static Probe probe(BundleContext context, String name)
            throws InterruptedException, InvalidSyntaxException {
        return await(context, Probe.class, "(" + Probe.PROPERTY_NAME + "=" + name + ")", 30_000);
    }

    /** Waits until the probe reaches the state, failing with its last error otherwise. */
    static void awaitState(Probe probe, ProbeState state, long timeoutMillis)
            throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (probe.state() != state) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("probe " + probe.name() + " is " + probe.state()
                        + ", expected " + state + "; last error: " + probe.lastError());
            }
            Thread.sleep(50);
        }
    }

    /** Replaces the properties of a component's configuration; {@code null} values are removed. */
    static void configure(BundleContext context, String pid, Map<String, Object> values)
            throws IOException, InterruptedException, InvalidSyntaxException {
        ConfigurationAdmin admin = await(context, ConfigurationAdmin.class, "", 10_000);
        Configuration configuration = admin.getConfiguration(pid, "?");
        Dictionary<String, Object> properties = configuration.getProperties();
        if (properties == null) {
            properties = new Hashtable<>();
        }
        for (Map.Entry<String, Object> entry : values.entrySet()) {
            if (entry.getValue() == null) {
                properties.remove(entry.getKey());
            } else {
                properties.put(entry.getKey(), entry.getValue());
            }
        }
        configuration.update(properties);
    }

    /** Deletes a component's configuration so it returns to its defaults. */
    static void reset(BundleContext context, String pid)
            throws IOException, InterruptedException, InvalidSyntaxException {
        ConfigurationAdmin admin = await(context, ConfigurationAdmin.class, "", 10_000);
        admin.getConfiguration(pid, "?").delete();
    }
}
