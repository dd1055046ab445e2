/** Immutable records of what the probes observed in the kernel. */
@Export
@Version("1.2.0")
package org.tarsier.api.event;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
