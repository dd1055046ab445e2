package org.tarsier.exporter.internal.prometheus;

import java.util.Collection;
import java.util.List;

import org.tarsier.api.container.ContainerInfo;
import org.tarsier.api.container.ContainerResolver;

/** A container resolver with no containers: every cgroup resolves to the host. */
final class EmptyResolver implements ContainerResolver {

    @Override
    public ContainerInfo resolve(long cgroupId) {
        return ContainerInfo.HOST_INFO;
    }

    @Override
    public ContainerInfo resolve(long cgroupId, String kernelPath) {
        return ContainerInfo.HOST_INFO;
    }

    @Override
    public Collection<ContainerInfo> containers() {
        return List.of();
    }
}
