/**
 * Per-container feature windows shared by the statistical and model-based detectors.
 */
@Export
@Version("1.0.0")
package org.tarsier.api.feature;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
