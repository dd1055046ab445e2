/** Container identity and the resolver from kernel cgroup ids to containers. */
@Export
@Version("1.2.0")
package org.tarsier.api.container;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
