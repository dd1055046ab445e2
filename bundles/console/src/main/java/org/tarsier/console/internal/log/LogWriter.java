package org.tarsier.console.internal.log;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.LogEntry;
import org.osgi.service.log.LogLevel;
import org.osgi.service.log.LogListener;
import org.osgi.service.log.LogReaderService;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;
import org.tarsier.console.internal.InvalidProperty;

/**
 * Copies OSGi log entries at or above a configured level to standard error in a configured
 * {@link LogFormat}: one line per entry in {@code logfmt} or {@code json}, or the text form of
 * {@link LogLines} for a terminal. The format {@code auto} chooses text when the Gogo shell reads
 * a terminal and logfmt otherwise, as under systemd.
 *
 * <p>On activation the writer first writes the entries that the Log Service kept from before it
 * started ({@link LogReaderService#getLog()}, 100 entries by default in Felix Log 1.3.0), except
 * those an earlier instance of this component already wrote. On deactivation it writes the
 * entries that were logged but not yet delivered to it.
 */
@Component(
        configurationPid = LogWriter.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL,
        service = {})
@Designate(ocd = LogWriter.Config.class)
public class LogWriter implements LogListener {

    static final String PID = "org.tarsier.log";
    static final String LEVEL = "level";
    static final String DEFAULT_LEVEL = "INFO";
    static final String FORMAT = "format";
    static final String AUTO = "auto";

    /** Configuration of the log writer. */
    @ObjectClassDefinition(
            id = PID,
            name = "Tarsier log writer",
            description = "Writes OSGi log entries to standard error")
    @interface Config {

        @AttributeDefinition(
                name = "Level",
                description = "Lowest level written. Entries below the Log Service's effective "
                        + "level are never created: Felix Log uses WARN unless the framework "
                        + "property org.osgi.service.log.admin.loglevel or the configuration "
                        + "org.osgi.service.log.admin sets another.",
                options = {
                    @Option(label = "AUDIT", value = "AUDIT"),
                    @Option(label = "ERROR", value = "ERROR"),
                    @Option(label = "WARN", value = "WARN"),
                    @Option(label = "INFO", value = "INFO"),
                    @Option(label = "DEBUG", value = "DEBUG"),
                    @Option(label = "TRACE", value = "TRACE")
                })
        String level() default DEFAULT_LEVEL;

        @AttributeDefinition(
                name = "Format",
                description = "Line format: logfmt or json (one line per entry), text"
                        + " (multi-line, for a terminal), or auto: text when the shell prompt"
                        + " is on, logfmt otherwise",
                options = {
                    @Option(label = "auto", value = AUTO),
                    @Option(label = "logfmt", value = "logfmt"),
                    @Option(label = "json", value = "json"),
                    @Option(label = "text", value = "text")
                })
        String format() default AUTO;
    }

    /**
     * The last entry handled by any instance of this component: the Log Service's id and the
     * entry's sequence number, so that a new instance does not write history twice.
     */
    private record Handled(Object readerId, long sequence) {
    }

    private static final AtomicReference<Handled> LAST_HANDLED = new AtomicReference<>();

    /** Format of the last active instance, for lines written after the Log Service stopped. */
    private static volatile LogFormat lastFormat = LogFormat.TEXT;

    private final PrintStream out;
    private final Object lock = new Object();
    private LogReaderService reader;
    private Object readerId;
    private volatile LogLevel level = LogLevel.INFO;
    private volatile LogFormat format = LogFormat.TEXT;
    private LogFormat autoFormat = LogFormat.TEXT;
    private Set<LogEntry> replayed;
    private long replayedMaxSequence;

    @Reference(service = LoggerFactory.class)
    private Logger logger;

    /** Creates the component, which writes to {@link System#err}. */
    public LogWriter() {
        this(System.err, LogLevel.INFO);
    }

    LogWriter(PrintStream out, LogLevel level) {
        this.out = out;
        this.level = level;
    }

    @Reference
    void bindReader(LogReaderService service, Map<String, Object> properties) {
        this.reader = service;
        this.readerId = properties.get(Constants.SERVICE_ID);
    }

    LogWriter(PrintStream out, LogLevel level, LogFormat format) {
        this(out, level);
        this.format = format;
    }

    @Activate
    void activate(BundleContext context, Config config, Map<String, Object> properties) {
        autoFormat = interactive(context.getProperty("gosh.args")) ? LogFormat.TEXT
                : LogFormat.LOGFMT;
        applyValid(config, properties);
        start(reader, readerId);
        logger.info("Log writer started: level={}, format={}, output stderr", level,
                format.name().toLowerCase(Locale.ROOT));
    }

    @Modified
    void modified(Config config, Map<String, Object> properties) {
        LogLevel previous = level;
        LogFormat previousFormat = format;
        applyValid(config, properties);
        if (level != previous || format != previousFormat) {
            // AUDIT passes every level filter, so the change shows even when INFO is filtered.
            logger.audit("Log writer changed from level={}, format={} to level={}, format={}",
                    previous, previousFormat.name().toLowerCase(Locale.ROOT), level,
                    format.name().toLowerCase(Locale.ROOT));
        }
    }

    /** Returns the format in use. */
    LogFormat format() {
        return format;
    }

    /**
     * Writes one entry of this bundle to standard error in the last configured format, without
     * the Log Service, which has stopped when the agent reports its exit status.
     */
    public static void writeDirectly(LogLevel level, String message) {
        System.err.print(lastFormat.format(System.currentTimeMillis(), level,
                "org.tarsier.console", LogWriter.class.getName(), message, null));
        System.err.flush();
    }

    /** Returns whether Gogo reads commands from standard input with these arguments. */
    static boolean interactive(String goshArgs) {
        return goshArgs == null || !goshArgs.contains("--nointeractive");
    }

    @Deactivate
    void deactivate() {
        logger.info("Log writer stopping: level={}", level);
        stop();
    }

    /**
     * Subscribes to the reader and writes its kept entries, oldest first.
     *
     * @param readerId identity of the reader service, to recognize the history that an earlier
     *     instance wrote
     */
    void start(LogReaderService service, Object readerId) {
        this.reader = service;
        this.readerId = readerId;
        synchronized (lock) {
            service.addLogListener(this);
            List<LogEntry> history = history(service);
            replayed = Collections.newSetFromMap(new IdentityHashMap<>());
            replayed.addAll(history);
            replayedMaxSequence = Long.MIN_VALUE;
            long after = sequenceHandledBefore();
            for (LogEntry entry : history) {
                replayedMaxSequence = Math.max(replayedMaxSequence, entry.getSequence());
                if (entry.getSequence() > after) {
                    handle(entry);
                }
            }
        }
    }

    /** Unsubscribes and writes the entries that the reader kept but had not yet delivered. */
    void stop() {
        reader.removeLogListener(this);
        synchronized (lock) {
            long after = sequenceHandledBefore();
            for (LogEntry entry : history(reader)) {
                if (entry.getSequence() > after) {
                    handle(entry);
                }
            }
            replayed = null;
        }
    }

    @Override
    public void logged(LogEntry entry) {
        synchronized (lock) {
            // The listener was added before the history was read, so an entry logged in between
            // arrives both ways.
            if (replayed != null) {
                if (replayed.remove(entry)) {
                    return;
                }
                if (entry.getSequence() > replayedMaxSequence) {
                    replayed = null;
                }
            }
            handle(entry);
        }
    }

    /** Returns the lowest level written. */
    LogLevel level() {
        return level;
    }

    private void handle(LogEntry entry) {
        if (level.implies(entry.getLogLevel())) {
            out.print(format.format(entry));
            out.flush();
        }
        LAST_HANDLED.updateAndGet(last -> last != null && Objects.equals(last.readerId(), readerId)
                && last.sequence() > entry.getSequence()
                        ? last : new Handled(readerId, entry.getSequence()));
    }

    private long sequenceHandledBefore() {
        Handled handled = LAST_HANDLED.get();
        if (handled == null || !Objects.equals(handled.readerId(), readerId)) {
            return Long.MIN_VALUE;
        }
        return handled.sequence();
    }

    private static List<LogEntry> history(LogReaderService service) {
        List<LogEntry> entries = new ArrayList<>(Collections.list(service.getLog()));
        // getLog() returns the most recent entry first.
        Collections.reverse(entries);
        return entries;
    }

    private void applyValid(Config config, Map<String, Object> properties) {
        Optional<LogLevel> parsed = parseLevel(config.level());
        if (parsed.isPresent()) {
            level = parsed.get();
        } else {
            InvalidProperty invalid = new InvalidProperty(PID, LEVEL, properties.get(LEVEL),
                    "one of " + Arrays.toString(LogLevel.values()));
            logger.error(invalid.message(LEVEL + "=" + level));
        }
        Optional<LogFormat> parsedFormat = config.format().strip().equalsIgnoreCase(AUTO)
                ? Optional.of(autoFormat) : LogFormat.parse(config.format());
        if (parsedFormat.isPresent()) {
            format = parsedFormat.get();
            lastFormat = format;
        } else {
            InvalidProperty invalid = new InvalidProperty(PID, FORMAT, properties.get(FORMAT),
                    "auto, logfmt, json or text");
            logger.error(invalid.message(FORMAT + "=" + format.name().toLowerCase(Locale.ROOT)));
        }
    }

    /** Returns the level with the given name, ignoring case, or empty if there is none. */
    static Optional<LogLevel> parseLevel(String name) {
        String upperCase = name.strip().toUpperCase(Locale.ROOT);
        return Arrays.stream(LogLevel.values())
                .filter(candidate -> candidate.name().equals(upperCase))
                .findFirst();
    }
}
