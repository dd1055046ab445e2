/**
 * Java binding of the system libbpf (libbpf.so.1, version 1.1 or newer) through
 * {@code java.lang.foreign}: BPF objects, programs, links, maps, ring buffers and libbpf's log.
 *
 * <p>{@link org.tarsier.libbpf.BpfObject} owns every native handle that it creates: closing it
 * closes its links and ring buffers. The JVM must allow native access to unnamed modules
 * ({@code --enable-native-access=ALL-UNNAMED}); most operations need root or CAP_BPF.
 */
@Export
@Version("1.1.0")
package org.tarsier.libbpf;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
