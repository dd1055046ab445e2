/** Alerts raised by detectors. */
@Export
@Version("1.0.0")
package org.tarsier.api.alert;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
