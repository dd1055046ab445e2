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

/**
 * Collects the records that the agent posts on one Event Admin topic in one property, such as
 * feature windows or scores, so a test can wait for them.
 */
final class Posted<T> implements EventHandler, AutoCloseable {

    private final Class<T> type;
    private final String property;
    private final List<T> received = new CopyOnWriteArrayList<>();
    private final ServiceRegistration<EventHandler> registration;

    Posted(BundleContext context, String topic, String property, Class<T> type) {
        this.type = type;
        this.property = property;
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put(EventConstants.EVENT_TOPIC, topic);
        registration = context.registerService(EventHandler.class, this, properties);
    }

    @Override
    public void handleEvent(org.osgi.service.event.Event event) {
        Object record = event.getProperty(property);
        if (type.isInstance(record)) {
            received.add(type.cast(record));
        }
    }

    /** Waits until a record matches, and returns the matching records seen so far. */
    List<T> await(Predicate<T> filter, long timeoutMillis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (true) {
            List<T> matches = matching(filter);
            if (!matches.isEmpty() || System.currentTimeMillis() > deadline) {
                return matches;
            }
            Thread.sleep(50);
        }
    }

    /** Returns the records received so far that match. */
    List<T> matching(Predicate<T> filter) {
        List<T> matches = new ArrayList<>();
        for (T record : received) {
            if (filter.test(record)) {
                matches.add(record);
            }
        }
        return matches;
    }

    @Override
    public void close() {
        registration.unregister();
    }
}
