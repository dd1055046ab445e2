/**
 * Event Admin topic names and property keys that Tarsier bundles use to exchange events and
 * alerts.
 */
@Export
@Version("1.3.0")
package org.tarsier.api;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
