package org.tarsier.api.container;

import java.time.Instant;
import java.util.Collection;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Maps the cgroup v2 id of a task to the container it runs in.
 *
 * <p>Implementations resolve from a cache and must not block the caller for long: probes call them
 * on their ring-buffer poller thread. When the runtime's API cannot be reached, they still return
 * the runtime and id parsed from the cgroup path.
 */
@ProviderType
public interface ContainerResolver {

    /**
     * Resolves a cgroup id, looking up its path under the cgroup v2 mount.
     *
     * @param cgroupId id of the cgroup v2 directory (its inode number)
     * @return the container, or {@link ContainerInfo#HOST_INFO} for host cgroups and unknown ids
     */
    ContainerInfo resolve(long cgroupId);

    /**
     * Resolves a cgroup id with a path that the kernel reported with the event.
     *
     * <p>Probes read the last components of the cgroup path in the kernel so that a container
     * whose cgroup directory is already gone is still attributed.
     *
     * @param cgroupId id of the cgroup v2 directory
     * @param kernelPath trailing components of the cgroup path as read in the kernel, separated
     *     by {@code /} (for example {@code docker/<id>}); empty if unknown
     * @return the container, or {@link ContainerInfo#HOST_INFO}
     */
    ContainerInfo resolve(long cgroupId, String kernelPath);

    /** Returns the containers known to be running now. */
    Collection<ContainerInfo> containers();

    /**
     * Returns when a container last started, as its runtime reported it.
     *
     * @param containerId full container id, as in {@link ContainerInfo#id()}
     * @return the start time, or empty when the runtime's API did not report one
     * @since 1.1
     */
    default Optional<Instant> startedAt(String containerId) {
        return Optional.empty();
    }
}
