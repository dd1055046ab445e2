package org.tarsier.exporter.internal.prometheus;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

import org.osgi.service.log.Logger;
import org.tarsier.exporter.internal.OutputCounters;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Meters of the bound {@link OutputCounters} services: {@code tarsier_output_written_total} and
 * {@code tarsier_output_dropped_total}, removed when the output goes away.
 */
final class OutputMeters {

    static final String WRITTEN = "tarsier.output.written";
    static final String DROPPED = "tarsier.output.dropped";

    private final MeterRegistry registry;
    private final Logger logger;
    private final Map<OutputCounters, List<Meter>> bound = new IdentityHashMap<>();

    OutputMeters(MeterRegistry registry, Logger logger) {
        this.registry = registry;
        this.logger = logger;
    }

    /** Starts exporting the counts of {@code output}, unless another output has its name. */
    synchronized void add(OutputCounters output) {
        String name = output.output();
        boolean nameInUse = bound.keySet().stream().anyMatch(o -> o.output().equals(name));
        if (nameInUse) {
            logger.warn("more than one output is named '{}': exporting the counts of the first"
                    + " one bound only", name);
            bound.put(output, List.of());
            return;
        }
        Meter written = FunctionCounter.builder(WRITTEN, output, OutputCounters::written)
                .description("Records an alert or event output has written")
                .tag("output", name)
                .register(registry);
        Meter dropped = FunctionCounter.builder(DROPPED, output, OutputCounters::dropped)
                .description("Records an alert or event output lost: queue full, not renderable"
                        + " or an I/O error")
                .tag("output", name)
                .register(registry);
        bound.put(output, List.of(written, dropped));
    }

    /** Removes the meters of {@code output}. */
    synchronized void remove(OutputCounters output) {
        List<Meter> meters = bound.remove(output);
        if (meters != null) {
            meters.forEach(registry::remove);
        }
    }

    /** Removes the meters of every output. */
    synchronized void clear() {
        bound.values().forEach(meters -> meters.forEach(registry::remove));
        bound.clear();
    }
}
