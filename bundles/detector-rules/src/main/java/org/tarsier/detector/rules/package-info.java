/** Control and status of the rules detector: rules, reloads, checks and suppressed alerts. */
@Export
@Version("1.0.0")
package org.tarsier.detector.rules;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
