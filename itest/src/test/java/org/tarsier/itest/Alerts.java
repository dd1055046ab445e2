package org.tarsier.itest;

import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;
import org.tarsier.api.Topics;
import org.tarsier.api.alert.Alert;

/** Collects a detector's alerts from Event Admin so a test can wait for the ones it caused. */
final class Alerts implements EventHandler, AutoCloseable {

    private final List<Alert> received = new CopyOnWriteArrayList<>();
    private final ServiceRegistration<EventHandler> registration;

    /** Subscribes to the alert topic of {@code detector}, e.g. {@code rules}. */
    Alerts(BundleContext context, String detector) {
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put(EventConstants.EVENT_TOPIC, Topics.alertTopic(detector));
        registration = context.registerService(EventHandler.class, this, properties);
    }

    @Override
    public void handleEvent(org.osgi.service.event.Event event) {
        if (event.getProperty(Topics.PROPERTY_ALERT) instanceof Alert alert) {
            received.add(alert);
        }
    }

    /** Waits until an alert matches, and returns the matching alerts seen so far. */
    List<Alert> await(Predicate<Alert> filter, long timeoutMillis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (true) {
            List<Alert> matches = matching(filter);
            if (!matches.isEmpty() || System.currentTimeMillis() > deadline) {
                return matches;
            }
            Thread.sleep(50);
        }
    }

    /** Returns the alerts received so far that match. */
    List<Alert> matching(Predicate<Alert> filter) {
        List<Alert> matches = new ArrayList<>();
        for (Alert alert : received) {
            if (filter.test(alert)) {
                matches.add(alert);
            }
        }
        return matches;
    }

    @Override
    public void close() {
        registration.unregister();
    }
}
