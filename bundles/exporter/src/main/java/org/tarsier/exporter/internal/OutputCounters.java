package org.tarsier.exporter.internal;

/**
 * Record counts of one alert or event output, published by the Prometheus exporter as
 * {@code tarsier_output_written_total} and {@code tarsier_output_dropped_total}.
 *
 * <p>Outputs of this bundle register an implementation as an OSGi service. The interface is
 * private to the bundle, so only its own components see these services.
 */
public interface OutputCounters {

    /** Returns the output name, the {@code output} label value, e.g. {@code jsonl-alerts}. */
    String output();

    /** Returns the number of records written since the output started. */
    long written();

    /**
     * Returns the number of records lost since the output started: rejected by a full queue,
     * not renderable, or not written because of an I/O error.
     */
    long dropped();
}
