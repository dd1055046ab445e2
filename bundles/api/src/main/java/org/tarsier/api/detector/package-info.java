/**
 * The contract between detectors, built in or third-party, and the agent's shell and exporter.
 *
 * <p>A detector subscribes to event topics through Event Admin, posts {@link
 * org.tarsier.api.alert.Alert}s on {@code Topics.alertTopic(name)} and registers a {@link Detector}
 * service so that its health is exported. Detectors that score windows also post {@link Score}s.
 */
@Export
@Version("1.0.0")
package org.tarsier.api.detector;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
