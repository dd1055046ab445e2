package org.tarsier.api.container;

import java.util.Map;
import java.util.Objects;

/**
 * Identity of the container that a process runs in.
 *
 * <p>{@code runtime} and {@code id} come from the cgroup path and are always set for a container.
 * {@code name}, {@code image} and {@code labels} come from the runtime's API and are empty strings
 * and an empty map when the runtime could not be asked. Kubernetes fields come from the
 * {@code io.kubernetes.*} labels or the pod cgroup and are empty outside Kubernetes.
 *
 * @param runtime container runtime: {@code docker}, {@code containerd}, {@code cri-o},
 *     {@code podman}, {@code kubernetes} when only the pod cgroup is known, or {@code host}
 * @param id full container id (64 hex digits for the common runtimes), or {@code host}
 * @param name container name without a leading slash
 * @param image image reference as the runtime reports it
 * @param labels container labels
 * @param podName Kubernetes pod name
 * @param podNamespace Kubernetes namespace
 * @param podUid Kubernetes pod UID
 */
public record ContainerInfo(
        String runtime,
        String id,
        String name,
        String image,
        Map<String, String> labels,
        String podName,
        String podNamespace,
        String podUid) {

    /** Runtime and id of processes that run outside any container. */
    public static final String HOST = "host";

    /** The value for every process outside a container. */
    public static final ContainerInfo HOST_INFO =
            new ContainerInfo(HOST, HOST, HOST, "", Map.of(), "", "", "");

    /**
     * Creates a container identity; {@code null} name, image, labels and pod fields become empty
     * values.
     *
     * @throws NullPointerException if runtime or id is null
     */
    public ContainerInfo {
        Objects.requireNonNull(runtime, "runtime");
        Objects.requireNonNull(id, "id");
        name = Objects.requireNonNullElse(name, "");
        image = Objects.requireNonNullElse(image, "");
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        podName = Objects.requireNonNullElse(podName, "");
        podNamespace = Objects.requireNonNullElse(podNamespace, "");
        podUid = Objects.requireNonNullElse(podUid, "");
    }

    /** Creates the identity known from a cgroup path alone, before the runtime was asked. */
    public static ContainerInfo ofId(String runtime, String id) {
        return new ContainerInfo(runtime, id, "", "", Map.of(), "", "", "");
    }

    /** Returns whether this is the host rather than a container. */
    public boolean isHost() {
        return HOST.equals(id);
    }

    /** Returns the first 12 characters of the id, as {@code docker ps} shows it. */
    public String shortId() {
        return id.length() > 12 ? id.substring(0, 12) : id;
    }
}
