/** Helpers for logging through the OSGi Log Service. */
@Export
@Version("1.0.0")
package org.tarsier.api.log;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
