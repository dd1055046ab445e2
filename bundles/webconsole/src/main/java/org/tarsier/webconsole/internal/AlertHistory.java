package org.tarsier.webconsole.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.event.Event;
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

/**
 * The most recent alerts of every detector, newest first, for the Tarsier page.
 *
 * <p>Alerts are kept in memory only, from the moment this component starts.
 */
@Component(
        service = {AlertHistory.class, EventHandler.class},
        configurationPid = AlertHistory.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL,
        property = EventConstants.EVENT_TOPIC + "=" + Topics.ALERT_PREFIX + "*")
@Designate(ocd = AlertHistory.Config.class)
public class AlertHistory implements EventHandler {

    static final String PID = "org.tarsier.webconsole.alerts";
    static final int DEFAULT_SIZE = 50;
    static final int MAX_SIZE = 10_000;

    /** Size of the alert list on the Tarsier page. */
    @ObjectClassDefinition(
            id = PID,
            name = "Tarsier web console alerts",
            description = "How many recent alerts the Tarsier page keeps and shows")
    @interface Config {

        @AttributeDefinition(
                name = "Alerts kept",
                description = "Most recent alerts kept in memory and shown, from 1 to 10000.",
                min = "1",
                max = "10000")
        int size() default DEFAULT_SIZE;
    }

    @Reference(service = LoggerFactory.class)
    private Logger logger;

    private final RateLimiter limiter = new RateLimiter(60_000);
    private final Deque<Alert> alerts = new ArrayDeque<>();
    private int size = DEFAULT_SIZE;

    /** Creates the component; Declarative Services calls {@link #activate}. */
    public AlertHistory() {
    }

    AlertHistory(int size) {
        this.size = size;
    }

    @Activate
    void activate(Config config) {
        applyValid(config);
        logger.info("Web console alert list started: size={}", size);
    }

    @Modified
    void modified(Config config) {
        applyValid(config);
        logger.info("Web console alert list updated: size={}", size);
    }

    @Deactivate
    void deactivate() {
        logger.info("Web console alert list stopped");
    }

    @Override
    public void handleEvent(Event event) {
        if (event.getProperty(Topics.PROPERTY_ALERT) instanceof Alert alert) {
            add(alert);
        } else if (logger != null && limiter.permit(event.getTopic())) {
            logger.warn("Event on {} has no {} property of type {}; ignored ({} more not logged)",
                    event.getTopic(), Topics.PROPERTY_ALERT, Alert.class.getName(),
                    limiter.suppressed(event.getTopic()));
        }
    }

    synchronized void add(Alert alert) {
        alerts.addFirst(alert);
        trim();
    }

    /** Returns how many alerts are kept. */
    synchronized int size() {
        return size;
    }

    /** Returns the kept alerts, newest first. */
    synchronized List<Alert> recent() {
        return new ArrayList<>(alerts);
    }

    private synchronized void applyValid(Config config) {
        if (config.size() < 1 || config.size() > MAX_SIZE) {
            logger.error(new InvalidProperty(PID, "size", config.size(),
                    "an integer from 1 to " + MAX_SIZE).message("size=" + size));
            return;
        }
        size = config.size();
        trim();
    }

    private void trim() {
        while (alerts.size() > size) {
            alerts.removeLast();
        }
    }
}
