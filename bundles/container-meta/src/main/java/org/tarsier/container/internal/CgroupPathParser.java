package org.tarsier.container.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses cgroup paths into the runtime, container id and Kubernetes pod they belong to.
 *
 * <p>The path may be relative to the cgroup v2 mount ({@code /docker/<id>}), an absolute file
 * system path ({@code /sys/fs/cgroup/unified/docker/<id>}) or only its trailing components as a
 * probe read them in the kernel ({@code docker/<id>}). Recognized layouts:
 * <ul>
 *   <li>Docker: {@code /docker/<id>} with the cgroupfs driver, {@code docker-<id>.scope} with the
 *       systemd driver;
 *   <li>containerd: {@code cri-containerd-<id>.scope} (CRI, systemd), a bare {@code <id>} in a
 *       Kubernetes pod cgroup (CRI, cgroupfs), {@code nerdctl-<id>.scope};
 *   <li>CRI-O: {@code crio-<id>.scope} or {@code crio-<id>};
 *   <li>Podman: {@code libpod-<id>.scope} or {@code libpod-<id>}, also under {@code user.slice}
 *       when rootless;
 *   <li>Kubernetes pods: {@code /kubepods/[burstable|besteffort/]pod<uid>} with cgroupfs and
 *       {@code kubepods-[burstable-|besteffort-]pod<uid_with_underscores>.slice} with systemd.
 * </ul>
 * The {@code crio-conmon-} and {@code libpod-conmon-} cgroups hold the runtime's monitor process,
 * which runs outside the container, so they name no container.
 *
 * <p>Nested containers (Docker in Docker, or sub-cgroups such as {@code /docker/<id>/init.scope})
 * yield every container on the path; the resolver picks among them.
 */
final class CgroupPathParser {

    static final String DOCKER = "docker";
    static final String CONTAINERD = "containerd";
    static final String CRIO = "cri-o";
    static final String PODMAN = "podman";
    static final String KUBERNETES = "kubernetes";

    static final String GUARANTEED = "guaranteed";
    static final String BURSTABLE = "burstable";
    static final String BESTEFFORT = "besteffort";

    private static final String ID = "[0-9a-f]{64}";

    /** A pod UID: a UUID, with dashes or (in systemd slice names) underscores, or 32 hex digits. */
    private static final String UID =
            "[0-9a-f]{8}[-_]?[0-9a-f]{4}[-_]?[0-9a-f]{4}[-_]?[0-9a-f]{4}[-_]?[0-9a-f]{12}";

    private static final Pattern PREFIXED_ID = Pattern.compile(
            "(docker|cri-containerd|crio|libpod|nerdctl)-(" + ID + ")(?:\\.scope)?");
    private static final Pattern MONITOR =
            Pattern.compile("(?:crio|libpod)-conmon-" + ID + "(?:\\.scope)?");
    private static final Pattern BARE_ID = Pattern.compile(ID);
    private static final Pattern POD_CGROUPFS = Pattern.compile("pod(" + UID + ")");
    private static final Pattern POD_SYSTEMD =
            Pattern.compile("kubepods(?:-(burstable|besteffort))?-pod(" + UID + ")\\.slice");

    private CgroupPathParser() {
    }

    /** Parses a cgroup path; returns {@link CgroupIdentity#HOST} when it names no container. */
    static CgroupIdentity parse(String path) {
        if (path == null || path.isEmpty()) {
            return CgroupIdentity.HOST;
        }
        List<String> parts = components(path);
        List<ContainerRef> containers = new ArrayList<>(1);
        String podUid = "";
        String qosClass = "";
        for (int i = 0; i < parts.size(); i++) {
            String part = parts.get(i);
            String parent = i > 0 ? parts.get(i - 1) : "";

            Matcher pod = POD_SYSTEMD.matcher(part);
            if (pod.matches()) {
                podUid = normalizeUid(pod.group(2));
                qosClass = pod.group(1) == null ? GUARANTEED : pod.group(1);
                continue;
            }
            pod = POD_CGROUPFS.matcher(part);
            if (pod.matches()) {
                podUid = normalizeUid(pod.group(1));
                qosClass = cgroupfsQosClass(parent);
                continue;
            }
            ContainerRef container = container(part, parent, !podUid.isEmpty());
            if (container != null) {
                containers.add(container);
            }
        }
        if (containers.isEmpty() && podUid.isEmpty()) {
            return CgroupIdentity.HOST;
        }
        return new CgroupIdentity(containers, podUid, qosClass);
    }

    private static ContainerRef container(String part, String parent, boolean inPod) {
        if (MONITOR.matcher(part).matches()) {
            return null;
        }
        Matcher prefixed = PREFIXED_ID.matcher(part);
        if (prefixed.matches()) {
            return new ContainerRef(runtimeOfPrefix(prefixed.group(1)), prefixed.group(2), false);
        }
        if (BARE_ID.matcher(part).matches()) {
            return new ContainerRef(runtimeOfBareId(parent, inPod), part, true);
        }
        return null;
    }

    private static String runtimeOfPrefix(String prefix) {
        return switch (prefix) {
            case "docker" -> DOCKER;
            case "crio" -> CRIO;
            case "libpod" -> PODMAN;
            default -> CONTAINERD;
        };
    }

    /**
     * Infers the runtime of a bare 64-hex component: Docker's cgroupfs driver puts containers
     * under {@code docker/}, and the CRI runtime that uses bare ids inside a pod cgroup is
     * containerd (CRI-O prefixes its ids).
     */
    private static String runtimeOfBareId(String parent, boolean inPod) {
        if (DOCKER.equals(parent)) {
            return DOCKER;
        }
        if (inPod) {
            return CONTAINERD;
        }
        // NOTE: a bare id under any other parent is taken for a Docker container started with
        // --cgroup-parent, so a containerd client on cgroupfs (nerdctl: /default/<id>) is
        // reported with runtime docker.
        return DOCKER;
    }

    private static String cgroupfsQosClass(String parent) {
        return switch (parent) {
            case BURSTABLE, BESTEFFORT -> parent;
            case "kubepods" -> GUARANTEED;
            default -> "";
        };
    }

    private static String normalizeUid(String uid) {
        return uid.replace('_', '-');
    }

    private static List<String> components(String path) {
        List<String> parts = new ArrayList<>();
        for (String part : path.split("/")) {
            if (!part.isEmpty()) {
                parts.add(part);
            }
        }
        return parts;
    }
}
