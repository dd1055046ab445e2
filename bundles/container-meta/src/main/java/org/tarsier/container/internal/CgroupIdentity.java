package org.tarsier.container.internal;

import java.util.List;
import java.util.Optional;

/**
 * What a cgroup path tells about the container that owns it.
 *
 * @param containers containers named along the path, outermost first; more than one for nested
 *     containers such as Docker in Docker
 * @param podUid Kubernetes pod UID with dashes, or empty outside a pod cgroup
 * @param qosClass Kubernetes QoS class ({@code guaranteed}, {@code burstable} or
 *     {@code besteffort}), or empty when the path does not show it
 */
record CgroupIdentity(List<ContainerRef> containers, String podUid, String qosClass) {

    /** The identity of every cgroup outside containers and pods. */
    static final CgroupIdentity HOST = new CgroupIdentity(List.of(), "", "");

    CgroupIdentity {
        containers = List.copyOf(containers);
    }

    /** Returns whether the path names neither a container nor a pod. */
    boolean isHost() {
        return containers.isEmpty() && podUid.isEmpty();
    }

    /** Returns the container named deepest in the path. */
    Optional<ContainerRef> innermost() {
        return containers.isEmpty() ? Optional.empty() : Optional.of(containers.getLast());
    }
}
