/** The contract between probe bundles and the agent's shell and exporter. */
@Export
@Version("1.2.0")
package org.tarsier.api.probe;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
