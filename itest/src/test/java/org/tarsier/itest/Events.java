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
import org.tarsier.api.event.Event;

/** Collects Tarsier events from Event Admin so a test can wait for the ones it caused. */
final class Events implements EventHandler, AutoCloseable {

    private final List<Event> received = new CopyOnWriteArrayList<>();
    private final ServiceRegistration<EventHandler> registration;

    /** Subscribes to the topics matching {@code topicPattern}, e.g. {@code org/tarsier/event/*}. */
    Events(BundleContext context, String topicPattern) {
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put(EventConstants.EVENT_TOPIC, topicPattern);
        registration = context.registerService(EventHandler.class, this, properties);
    }

    @Override
    public void handleEvent(org.osgi.service.event.Event event) {
        Object record = event.getProperty(Topics.PROPERTY_EVENT);
        if (record instanceof Event tarsierEvent) {
            received.add(tarsierEvent);
        }
    }

    /** Waits until an event matches, and returns the matching events seen so far. */
    <T extends Event> List<T> await(Class<T> type, Predicate<T> filter, long timeoutMillis)
            throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (true) {
            List<T> matches = matching(type, filter);
            if (!matches.isEmpty() || System.currentTimeMillis() > deadline) {
                return matches;
            }
            Thread.sleep(50);
        }
    }

    /** Returns the events received so far that match. */
    <T extends Event> List<T> matching(Class<T> type, Predicate<T> filter) {
        List<T> matches = new ArrayList<>();
        for (Event event : received) {
            if (type.isInstance(event) && filter.test(type.cast(event))) {
                matches.add(type.cast(event));
            }
        }
        return matches;
    }

    int size() {
        return received.size();
    }

    void clear() {
        received.clear();
    }

    @Override
    public void close() {
        registration.unregister();
    }
}
