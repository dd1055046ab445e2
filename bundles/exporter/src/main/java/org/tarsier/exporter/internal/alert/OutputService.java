package org.tarsier.exporter.internal.alert;

import java.util.Dictionary;
import java.util.Hashtable;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;
import org.tarsier.api.Topics;
import org.tarsier.exporter.internal.OutputCounters;

/**
 * The running {@link DeliveryQueue} of one alert output and its service registration, as an
 * Event Admin handler of every alert topic and as {@link OutputCounters} for the exporter.
 *
 * <p>Replacing the queue unregisters the old one first, so alerts go to one queue at a time;
 * alerts that arrive between the two registrations are not seen by this output.
 */
final class OutputService {

    private DeliveryQueue queue;
    private ServiceRegistration<?> registration;

    /** Starts {@code next} and registers it, after stopping the current queue. */
    synchronized void replace(BundleContext context, DeliveryQueue next) {
        stop();
        queue = next;
        next.start();
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put(EventConstants.EVENT_TOPIC, new String[] {Topics.ALERT_PREFIX + "*"});
        properties.put("tarsier.output", next.output());
        registration = context.registerService(
                new String[] {EventHandler.class.getName(), OutputCounters.class.getName()},
                next, properties);
    }

    /** Unregisters the queue, then sends what it queued within its close timeout. */
    synchronized void stop() {
        if (registration != null) {
            try {
                registration.unregister();
            } catch (IllegalStateException e) {
                // Already unregistered because the bundle is stopping.
            }
            registration = null;
        }
        if (queue != null) {
            queue.close();
            queue = null;
        }
    }

    /** Returns the running queue, or {@code null}. */
    synchronized DeliveryQueue queue() {
        return queue;
    }
}
