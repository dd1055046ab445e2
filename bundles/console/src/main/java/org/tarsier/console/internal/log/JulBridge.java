package org.tarsier.console.internal.log;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.SimpleFormatter;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;

/**
 * Sends java.util.logging records into the OSGi Log Service, so that libraries that log through
 * java.util.logging (SPI Fly, for one) write lines in the agent's format instead of the JDK's
 * two-line console form, which breaks a log parser. While active, the root logger's own
 * handlers are removed; they are put back when the component stops.
 */
@Component(service = {}, immediate = true)
public class JulBridge {

    private final java.util.logging.Logger root = java.util.logging.Logger.getLogger("");
    private final List<Handler> previous = new ArrayList<>();
    private Handler handler;

    @Reference
    private LoggerFactory factory;

    @Activate
    void activate() {
        synchronized (root) {
            for (Handler existing : root.getHandlers()) {
                previous.add(existing);
                root.removeHandler(existing);
            }
            handler = new Forwarder(factory);
            root.addHandler(handler);
        }
    }

    @Deactivate
    void deactivate() {
        synchronized (root) {
            root.removeHandler(handler);
            previous.forEach(root::addHandler);
            previous.clear();
        }
    }

    /** Handler that logs each record through an OSGi logger named like the record's logger. */
    static final class Forwarder extends Handler {

        private final LoggerFactory factory;
        private final SimpleFormatter formatter = new SimpleFormatter();

        Forwarder(LoggerFactory factory) {
            this.factory = factory;
        }

        @Override
        public void publish(LogRecord record) {
            if (record == null) {
                return;
            }
            String name = record.getLoggerName() == null || record.getLoggerName().isEmpty()
                    ? "java.util.logging" : record.getLoggerName();
            Logger logger = factory.getLogger(name);
            String message = formatter.formatMessage(record);
            Throwable thrown = record.getThrown();
            int level = record.getLevel().intValue();
            if (level >= Level.SEVERE.intValue()) {
                logger.error("{}", message, thrown);
            } else if (level >= Level.WARNING.intValue()) {
                logger.warn("{}", message, thrown);
            } else if (level >= Level.INFO.intValue()) {
                logger.info("{}", message, thrown);
            } else if (level >= Level.FINE.intValue()) {
                logger.debug("{}", message, thrown);
            } else {
                logger.trace("{}", message, thrown);
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }
}
