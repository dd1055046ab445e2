package org.tarsier.api.detector;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A detector's identity and health, registered as a service while the detector is active.
 *
 * <p>The exporter tracks every {@code Detector} service and publishes its status as metrics
 * labelled with {@link #name()}; the shell lists them.
 */
@ConsumerType
public interface Detector {

    /** Service property with the detector name, for filters such as {@code (tarsier.detector=rules)}. */
    String PROPERTY_NAME = "tarsier.detector";

    /** Returns the name, which is also the last token of the detector's alert topic. */
    String name();

    /** Returns a one-line description for the shell. */
    String description();

    /** Returns a snapshot of the detector's counters; called by the exporter at each scrape. */
    DetectorStatus status();
}
