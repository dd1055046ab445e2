package org.tarsier.detector.rules.internal.eval;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.LongSupplier;
import org.tarsier.api.alert.Alert;
import org.tarsier.api.event.Event;
import org.tarsier.api.event.FileEvent;

/**
 * Evaluates events against the active {@link RuleSet} and builds rate-limited alerts.
 *
 * <p>Thread-safe: evaluation runs under the engine's lock, because the process table, the
 * threshold windows and the token buckets are shared state.
 */
public final class Engine {

    /** Detector name: the last token of the alert topic. */
    public static final String DETECTOR = "rules";

    /**
     * Evidence key of the wall-clock time at which the rule matched, an {@link Instant}. The
     * alert's own time is the event's kernel time, so the difference is the detection latency.
     */
    public static final String DETECTED_TIME = "detected.time";

    private static final List<String> BASE_FIELDS = List.of("evt.type", "proc.pid", "proc.ppid",
            "proc.name", "proc.cmdline", "user.uid", "user.name", "container.id",
            "container.name", "container.image");

    private final ProcessTable processes;
    private final WrittenFiles written;
    private final SymbolicLinks links;
    private final UserNames users;
    private final String hostname;
    private final LongSupplier clock;
    private final List<FieldRef> baseFields = new ArrayList<>();
    private volatile RuleSet ruleSet;
    private TokenBuckets buckets;
    private long alerts;
    private long events;
    private long suppressed;

    /**
     * Creates an engine with no rules.
     *
     * @param processCapacity processes kept in the process table
     * @param clock nanosecond clock of the rate limit, for example {@code System::nanoTime}
     */
    public Engine(UserNames users, String hostname, int processCapacity, LongSupplier clock) {
        this.processes = new ProcessTable(processCapacity);
        this.written = new WrittenFiles(processCapacity);
        this.links = new SymbolicLinks(processCapacity);
        this.users = users;
        this.hostname = hostname;
        this.clock = clock;
        this.buckets = new TokenBuckets(1, 10, clock);
        for (String name : BASE_FIELDS) {
            try {
                baseFields.add(FieldRef.resolve(name, null));
            } catch (Exception e) {
                throw new IllegalStateException("base field " + name + " is not defined", e);
            }
        }
    }

    /** Activates {@code rules}; evaluation switches to them at the next event. */
    public void install(RuleSet rules) {
        this.ruleSet = rules;
    }

    /** Returns the active rules, or null before the first install. */
    public RuleSet ruleSet() {
        return ruleSet;
    }

    /** Sets the alert rate limit per rule and container, and resets its buckets. */
    public synchronized void setRateLimit(double ratePerSecond, int burst) {
        this.buckets = new TokenBuckets(ratePerSecond, burst, clock);
    }

    /** Returns the alerts that {@code event} raises, after thresholds and the rate limit. */
    public synchronized List<Alert> process(Event event) {
        RuleSet rules = ruleSet;
        processes.beforeEvaluation(event);
        try {
            if (rules == null) {
                return List.of();
            }
            EvalContext context = new EvalContext(event, processes, users, hostname,
                    written, links, ++events);
            List<Alert> raised = new ArrayList<>();
            for (CompiledRule rule : rules.plan(event)) {
                if (rule.enabled() && rule.condition().test(context)) {
                    Alert alert = fire(rule, context);
                    if (alert != null) {
                        raised.add(alert);
                    }
                }
            }
            return raised;
        } finally {
            if (event instanceof FileEvent) {
                written.record(event, processes.lookup(event).exePath());
            }
            links.record(event);
            processes.forget(event);
        }
    }

    private Alert fire(CompiledRule rule, EvalContext context) {
        Map<String, Object> evidence = new LinkedHashMap<>();
        ThresholdState threshold = rule.threshold();
        if (threshold != null) {
            long count = threshold.offer(context);
            if (count < 0) {
                return null;
            }
            evidence.put("threshold.count", count);
            evidence.put("threshold.window", threshold.def().window().toString());
            if (!threshold.def().distinct().isEmpty()) {
                evidence.put("threshold.distinct", threshold.def().distinct());
            }
        }
        String key = rule.def().name() + '\u0000' + context.event().container().id();
        long suppressedBefore = buckets.take(key);
        if (suppressedBefore < 0) {
            suppressed++;
            return null;
        }
        if (suppressedBefore > 0) {
            evidence.put("suppressed", suppressedBefore);
        }
        alerts++;
        return buildAlert(rule, context, evidence);
    }

    private Alert buildAlert(CompiledRule rule, EvalContext context, Map<String, Object> evidence) {
        evidence.put(DETECTED_TIME, Instant.now());
        Map<String, Object> fields = new LinkedHashMap<>();
        for (FieldRef field : baseFields) {
            Object value = field.read(context);
            if (value != null) {
                fields.put(field.text(), value instanceof List<?> l && !l.isEmpty() ? l.get(0) : value);
            }
        }
        fields.putAll(rule.output().values(context));
        Event event = context.event();
        return new Alert(UUID.randomUUID().toString(), event.header().time(), DETECTOR,
                rule.def().name(), rule.def().priority(), rule.output().render(context), fields,
                rule.def().tags(), evidence, event.container());
    }

    /** Returns the number of alerts raised. */
    public synchronized long alerts() {
        return alerts;
    }

    /** Returns the number of alerts held back by the rate limit. */
    public synchronized long suppressed() {
        return suppressed;
    }

    /** Returns the number of processes in the process table. */
    public synchronized int processCount() {
        return processes.size();
    }
}
