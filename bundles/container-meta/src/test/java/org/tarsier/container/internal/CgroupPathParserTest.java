package org.tarsier.container.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class CgroupPathParserTest {

    private static final String ID =
            "a234bfd44c2398c637df2fa282b7c0da58da9d2262260d2680a32c609e728fef";
    private static final String INNER =
            "3f1e9c0b7a65d4c2e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a1b0c9d8";
    private static final String POD_UID = "5f8b7a6e-3c2d-4b1a-9e8f-7d6c5b4a3f21";
    private static final String POD_UID_SYSTEMD = "5f8b7a6e_3c2d_4b1a_9e8f_7d6c5b4a3f21";
    /** Static pods get an MD5 hash as UID, 32 hex digits without dashes. */
    private static final String STATIC_POD_UID = "8a1c0f3b9d2e4f5a6b7c8d9e0f1a2b3c";

    private static final String DOCKER = CgroupPathParser.DOCKER;
    private static final String CONTAINERD = CgroupPathParser.CONTAINERD;
    private static final String CRIO = CgroupPathParser.CRIO;
    private static final String PODMAN = CgroupPathParser.PODMAN;

    /** Paths of a container's cgroup: path, runtime, innermost id, pod UID, QoS class. */
    static Stream<Arguments> containerPaths() {
        return Stream.of(
                // Docker, cgroupfs driver: hybrid host relative to the mount and absolute.
                Arguments.of("/docker/" + ID, DOCKER, ID, "", ""),
                Arguments.of("/sys/fs/cgroup/unified/docker/" + ID, DOCKER, ID, "", ""),
                // Docker, systemd driver: pure cgroup v2 host.
                Arguments.of("/system.slice/docker-" + ID + ".scope", DOCKER, ID, "", ""),
                Arguments.of("/sys/fs/cgroup/system.slice/docker-" + ID + ".scope",
                        DOCKER, ID, "", ""),
                Arguments.of("/user.slice/user-1000.slice/user@1000.service/user.slice/docker-"
                        + ID + ".scope", DOCKER, ID, "", ""),
                // Trailing components as a probe reads them in the kernel.
                Arguments.of("docker/" + ID, DOCKER, ID, "", ""),
                Arguments.of(ID, DOCKER, ID, "", ""),
                Arguments.of("docker/" + ID + "/", DOCKER, ID, "", ""),
                // Sub-cgroups of a container and docker run --cgroup-parent.
                Arguments.of("/docker/" + ID + "/init.scope", DOCKER, ID, "", ""),
                Arguments.of("/docker/" + ID + "/system.slice/cron.service", DOCKER, ID, "", ""),
                Arguments.of("/actions_job/" + ID, DOCKER, ID, "", ""),
                // Docker in Docker: the innermost id comes last.
                Arguments.of("/docker/" + ID + "/docker/" + INNER, DOCKER, INNER, "", ""),
                Arguments.of("/system.slice/docker-" + ID + ".scope/docker/" + INNER,
                        DOCKER, INNER, "", ""),
                // containerd through CRI, systemd and cgroupfs drivers, every QoS class.
                Arguments.of("/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod"
                        + POD_UID_SYSTEMD + ".slice/cri-containerd-" + ID + ".scope",
                        CONTAINERD, ID, POD_UID, "burstable"),
                Arguments.of("/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod"
                        + POD_UID_SYSTEMD + ".slice/cri-containerd-" + ID + ".scope",
                        CONTAINERD, ID, POD_UID, "besteffort"),
                Arguments.of("/kubepods.slice/kubepods-pod" + POD_UID_SYSTEMD
                        + ".slice/cri-containerd-" + ID + ".scope",
                        CONTAINERD, ID, POD_UID, "guaranteed"),
                Arguments.of("/kubepods/burstable/pod" + POD_UID + "/" + ID,
                        CONTAINERD, ID, POD_UID, "burstable"),
                Arguments.of("/kubepods/besteffort/pod" + POD_UID + "/" + ID,
                        CONTAINERD, ID, POD_UID, "besteffort"),
                Arguments.of("/kubepods/pod" + POD_UID + "/" + ID,
                        CONTAINERD, ID, POD_UID, "guaranteed"),
                Arguments.of("/sys/fs/cgroup/unified/kubepods/burstable/pod" + POD_UID + "/" + ID,
                        CONTAINERD, ID, POD_UID, "burstable"),
                Arguments.of("/kubepods/burstable/pod" + STATIC_POD_UID + "/" + ID,
                        CONTAINERD, ID, STATIC_POD_UID, "burstable"),
                Arguments.of("kubepods-besteffort-pod" + POD_UID_SYSTEMD
                        + ".slice/cri-containerd-" + ID + ".scope",
                        CONTAINERD, ID, POD_UID, "besteffort"),
                Arguments.of("pod" + POD_UID + "/" + ID, CONTAINERD, ID, POD_UID, ""),
                Arguments.of("burstable/pod" + POD_UID + "/" + ID,
                        CONTAINERD, ID, POD_UID, "burstable"),
                Arguments.of("/system.slice/nerdctl-" + ID + ".scope", CONTAINERD, ID, "", ""),
                // CRI-O, systemd and cgroupfs drivers.
                Arguments.of("/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod"
                        + POD_UID_SYSTEMD + ".slice/crio-" + ID + ".scope",
                        CRIO, ID, POD_UID, "besteffort"),
                Arguments.of("/kubepods/burstable/pod" + POD_UID + "/crio-" + ID,
                        CRIO, ID, POD_UID, "burstable"),
                // Docker as the Kubernetes runtime (dockershim, cri-dockerd).
                Arguments.of("/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod"
                        + POD_UID_SYSTEMD + ".slice/docker-" + ID + ".scope",
                        DOCKER, ID, POD_UID, "burstable"),
                // Podman: systemd, crun's inner cgroup, rootless, cgroupfs.
                Arguments.of("/machine.slice/libpod-" + ID + ".scope", PODMAN, ID, "", ""),
                Arguments.of("/machine.slice/libpod-" + ID + ".scope/container",
                        PODMAN, ID, "", ""),
                Arguments.of("/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-"
                        + ID + ".scope", PODMAN, ID, "", ""),
                Arguments.of("/libpod_parent/libpod-" + ID, PODMAN, ID, "", ""));
    }

    @ParameterizedTest(name = "[{index}] \"{0}\"")
    @MethodSource("containerPaths")
    void containerPathNamesRuntimeIdAndPod(String path, String runtime, String id, String podUid,
            String qosClass) {
        CgroupIdentity identity = CgroupPathParser.parse(path);

        assertFalse(identity.isHost(), "identity is host");
        ContainerRef container = identity.innermost().orElseThrow();
        assertEquals(runtime, container.runtime(), "runtime");
        assertEquals(id, container.id(), "id");
        assertEquals(podUid, identity.podUid(), "pod UID");
        assertEquals(qosClass, identity.qosClass(), "QoS class");
    }

    @ParameterizedTest(name = "[{index}] \"{0}\"")
    @ValueSource(strings = {
        "",
        "/",
        "/init.scope",
        "/system.slice/sshd.service",
        "/system.slice/docker.service",
        "/system.slice/containerd.service",
        "/user.slice/user-0.slice/session-3.scope",
        "/docker",
        "/kubepods",
        "/kubepods/burstable",
        "/kubepods.slice/kubepods-besteffort.slice",
        "/docker/a234bfd44c23",
        "/docker/A234BFD44C2398C637DF2FA282B7C0DA58DA9D2262260D2680A32C609E728FEF",
        "/machine.slice/libpod-conmon-" + ID + ".scope",
        "/system.slice/crio-conmon-" + ID + ".scope",
        "/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-conmon-" + ID + ".scope",
        "/user.slice/user-1000.slice/user@1000.service/user.slice/podman-4242.scope",
    })
    void hostPathNamesNoContainer(String path) {
        assertTrue(CgroupPathParser.parse(path).isHost());
    }

    @Test
    void podCgroupWithoutContainerNamesThePod() {
        CgroupIdentity identity = CgroupPathParser.parse("/kubepods/burstable/pod" + POD_UID);

        assertFalse(identity.isHost(), "identity is host");
        assertTrue(identity.containers().isEmpty(), "containers found");
        assertEquals(POD_UID, identity.podUid(), "pod UID");
        assertEquals("burstable", identity.qosClass(), "QoS class");
    }

    @Test
    void conmonInPodNamesOnlyThePod() {
        CgroupIdentity identity = CgroupPathParser.parse(
                "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod"
                        + POD_UID_SYSTEMD + ".slice/crio-conmon-" + ID + ".scope");

        assertTrue(identity.containers().isEmpty(), "conmon taken for a container");
        assertEquals(POD_UID, identity.podUid(), "pod UID");
    }

    @Test
    void nestedDockerListsOuterThenInner() {
        CgroupIdentity identity = CgroupPathParser.parse(
                "/docker/" + ID + "/docker/" + INNER + "/init.scope");

        List<String> ids = identity.containers().stream().map(ContainerRef::id).toList();
        assertEquals(List.of(ID, INNER), ids);
    }

    @Test
    void bareIdRuntimeIsMarkedInferred() {
        ContainerRef bare = CgroupPathParser.parse("/kubepods/pod" + POD_UID + "/" + ID)
                .innermost().orElseThrow();
        ContainerRef scoped = CgroupPathParser.parse("/system.slice/docker-" + ID + ".scope")
                .innermost().orElseThrow();

        assertTrue(bare.runtimeInferred(), "bare id inferred");
        assertFalse(scoped.runtimeInferred(), "prefixed id inferred");
    }
}
