/**
 * Support shared by the probe bundles: a {@link org.tarsier.libbpf.probe.ProbeSession} that
 * opens, configures, loads and attaches one BPF object and polls its ring buffer on the poller
 * thread that all sessions share, {@link org.tarsier.libbpf.probe.DropCounters} that sum a per-CPU array of drop
 * counters, and {@link org.tarsier.libbpf.probe.AbstractProbe}, the load and unload state
 * machine of an {@link org.tarsier.api.probe.Probe} service.
 */
@Export
@Version("2.0.0")
package org.tarsier.libbpf.probe;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
