package org.tarsier.container.internal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.tarsier.api.container.ContainerInfo;

/**
 * Resolves cgroup ids to containers from the cgroup index, the Docker catalog and, for a
 * container that the catalog does not hold yet, one bounded inspect.
 *
 * <p>For nested containers (Docker in Docker, {@code /docker/<id>/...} sub-cgroups) the result is
 * the innermost container on the path that Docker's catalog contains, because that is the one
 * whose name and image are known. When the catalog contains none of them, it is the innermost id.
 */
final class ContainerLookup {

    static final String POD_NAME_LABEL = "io.kubernetes.pod.name";
    static final String POD_NAMESPACE_LABEL = "io.kubernetes.pod.namespace";
    static final String POD_UID_LABEL = "io.kubernetes.pod.uid";

    private static final int MAX_CACHED_RESULTS = 65_536;

    private final CgroupIndex index;
    private final ContainerCatalog catalog;
    private final OnDemandInspector inspector;
    private final Map<Long, Cached> results = new ConcurrentHashMap<>();

    /**
     * @param index the cgroup index, or null when no cgroup v2 mount was found
     * @param inspector the inspector, or null when Docker's API is not used
     */
    ContainerLookup(CgroupIndex index, ContainerCatalog catalog, OnDemandInspector inspector) {
        this.index = index;
        this.catalog = catalog;
        this.inspector = inspector;
    }

    CgroupIndex index() {
        return index;
    }

    ContainerInfo resolve(long cgroupId, String kernelPath) {
        long version = catalog.version();
        Cached cached = results.get(cgroupId);
        if (cached != null && cached.version == version) {
            return cached.info;
        }
        String path = index == null ? null : index.lookup(cgroupId);
        ContainerInfo info = describe(CgroupPathParser.parse(path != null ? path : kernelPath));
        if (path != null) {
            if (results.size() >= MAX_CACHED_RESULTS) {
                results.clear();
            }
            results.put(cgroupId, new Cached(info, version));
        }
        return info;
    }

    /**
     * Returns the running containers that Docker reports, and those whose cgroup exists but
     * which Docker does not know (other runtimes, or Docker unavailable).
     */
    Collection<ContainerInfo> containers() {
        Map<String, ContainerInfo> found = new LinkedHashMap<>();
        for (DockerContainer container : catalog.running()) {
            found.put(container.id(), describe(
                    new ContainerRef(CgroupPathParser.DOCKER, container.id(), false),
                    container, ""));
        }
        if (index == null) {
            return List.copyOf(found.values());
        }
        index.refresh();
        for (String path : index.paths()) {
            CgroupIdentity identity = CgroupPathParser.parse(path);
            Optional<ContainerRef> ref = identity.innermost();
            if (ref.isEmpty() || found.containsKey(ref.get().id())
                    || catalog.get(ref.get().id()) != null || !index.exists(path)) {
                continue;
            }
            found.put(ref.get().id(), describe(ref.get(), null, identity.podUid()));
        }
        return new ArrayList<>(found.values());
    }

    Optional<Instant> startedAt(String containerId) {
        DockerContainer container = catalog.get(containerId);
        return container == null ? Optional.empty() : Optional.ofNullable(container.startedAt());
    }

    private ContainerInfo describe(CgroupIdentity identity) {
        if (identity.isHost()) {
            return ContainerInfo.HOST_INFO;
        }
        if (identity.containers().isEmpty()) {
            // Only the pod cgroup is known, for example a process in the pod's own cgroup.
            return new ContainerInfo(CgroupPathParser.KUBERNETES, identity.podUid(), "", "",
                    Map.of(), "", "", identity.podUid());
        }
        List<ContainerRef> containers = identity.containers();
        for (int i = containers.size() - 1; i >= 0; i--) {
            DockerContainer known = catalog.get(containers.get(i).id());
            if (known != null) {
                return describe(containers.get(i), known, identity.podUid());
            }
        }
        ContainerRef innermost = containers.getLast();
        DockerContainer inspected = mayBeDocker(innermost) ? inspector.inspect(innermost.id())
                : null;
        return describe(innermost, inspected, identity.podUid());
    }

    private boolean mayBeDocker(ContainerRef ref) {
        return inspector != null
                && (CgroupPathParser.DOCKER.equals(ref.runtime()) || ref.runtimeInferred());
    }

    private static ContainerInfo describe(ContainerRef ref, DockerContainer docker,
            String podUidFromPath) {
        if (docker == null) {
            return new ContainerInfo(ref.runtime(), ref.id(), "", "", Map.of(), "", "",
                    podUidFromPath);
        }
        Map<String, String> labels = docker.labels();
        return new ContainerInfo(CgroupPathParser.DOCKER, ref.id(), docker.name(),
                docker.image(), labels,
                labels.getOrDefault(POD_NAME_LABEL, ""),
                labels.getOrDefault(POD_NAMESPACE_LABEL, ""),
                labels.getOrDefault(POD_UID_LABEL, podUidFromPath));
    }

    private record Cached(ContainerInfo info, long version) {
    }
}
