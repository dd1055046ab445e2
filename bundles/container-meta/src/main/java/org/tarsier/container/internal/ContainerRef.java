package org.tarsier.container.internal;

/**
 * A container named by one component of a cgroup path.
 *
 * @param runtime runtime that created the cgroup, one of the {@link CgroupPathParser} constants
 * @param id full container id, 64 hex digits
 * @param runtimeInferred whether the runtime was inferred from the neighbouring components
 *     because the component is a bare id (for example {@code /kubepods/besteffort/pod<uid>/<id>})
 */
record ContainerRef(String runtime, String id, boolean runtimeInferred) {
}
