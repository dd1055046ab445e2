package org.tarsier.container.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tarsier.api.container.ContainerInfo;

/**
 * Runs the component against the Docker engine of this host (root is required). Every container
 * carries the {@link DockerCli#TEST_LABEL} label and is removed after its test.
 */
class ContainerResolverComponentTest {

    private static final Path DOCKER_SOCKET = Path.of(Settings.DEFAULT_DOCKER_SOCKET);
    /** A cgroup id that no directory has, so only the kernel path can resolve it. */
    private static final long UNKNOWN_CGROUP_ID = Long.MAX_VALUE - 7;
    private static final String FAKE_ID =
            "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    private static final String OTHER_FAKE_ID =
            "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210";
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final DockerCli docker = new DockerCli();
    private final RecordingLogger log = new RecordingLogger();
    private ContainerResolverComponent component;
    private UnixSocketProxy proxy;

    @TempDir
    Path temp;

    @BeforeAll
    static void createImage() throws Exception {
        DockerCli.ensureImage();
    }

    @AfterEach
    void stop() throws Exception {
        if (component != null) {
            component.deactivate();
        }
        if (proxy != null) {
            proxy.close();
        }
        docker.removeStarted();
    }

    @Test
    void labelledContainerResolvesWithMetadata() throws Exception {
        start();
        awaitLog("info", "connected to the Docker Engine API at " + DOCKER_SOCKET);
        String id = docker.runDetached(List.of("io.kubernetes.pod.name=p1",
                "io.kubernetes.pod.namespace=ns1", "io.kubernetes.pod.uid=uid-1"),
                "sleep", "30");

        ContainerInfo info = component.resolve(cgroupId(id));

        assertEquals("docker", info.runtime(), "runtime");
        assertEquals(id, info.id(), "id");
        assertEquals(docker.name(id), info.name(), "name");
        assertEquals(DockerCli.IMAGE, info.image(), "image");
        assertEquals("container-meta", info.labels().get("org.tarsier.test"), "test label");
        assertEquals("p1", info.podName(), "pod name");
        assertEquals("ns1", info.podNamespace(), "pod namespace");
        assertEquals("uid-1", info.podUid(), "pod UID");
    }

    @Test
    void runningContainerIsListedWithStartTime() throws Exception {
        String id = docker.runDetached(List.of(), "sleep", "30");
        start();

        await("container listed", () -> component.containers().stream()
                .anyMatch(info -> info.id().equals(id) && !info.name().isEmpty()));
        await("start time known", () -> component.startedAt(id).isPresent());

        ContainerInfo listed = component.containers().stream()
                .filter(info -> info.id().equals(id)).findFirst().orElseThrow();
        assertEquals(DockerCli.IMAGE, listed.image(), "image");
        assertEquals("docker", listed.runtime(), "runtime");
    }

    @Test
    void shortLivedContainerResolvesAfterRemoval() throws Exception {
        start();
        awaitLog("info", "connected to the Docker Engine API at " + DOCKER_SOCKET);
        String id = docker.runDetached(List.of("io.kubernetes.pod.name=brief"), "true");
        docker.waitExit(id);
        String name = docker.name(id);
        docker.remove(id);
        assertFalse(Files.exists(cgroupDirectory(id)), "cgroup directory still exists");

        ContainerInfo info = component.resolve(UNKNOWN_CGROUP_ID, "docker/" + id);

        assertEquals("docker", info.runtime(), "runtime");
        assertEquals(id, info.id(), "id");
        assertEquals(name, info.name(), "name");
        assertEquals(DockerCli.IMAGE, info.image(), "image");
        assertEquals("brief", info.podName(), "pod name");
        assertTrue(component.containers().stream().noneMatch(c -> c.id().equals(id)),
                "removed container listed as running");
    }

    @Test
    void nestedPathYieldsInnermostKnownContainer() throws Exception {
        start();
        String id = docker.runDetached(List.of(), "sleep", "30");

        ContainerInfo info = component.resolve(UNKNOWN_CGROUP_ID,
                "docker/" + id + "/docker/" + FAKE_ID);

        assertEquals(id, info.id(), "id");
        assertEquals(docker.name(id), info.name(), "name");
    }

    @Test
    void unknownNestedPathYieldsInnermostId() {
        start();

        ContainerInfo info = component.resolve(UNKNOWN_CGROUP_ID,
                "docker/" + FAKE_ID + "/docker/" + OTHER_FAKE_ID);

        assertEquals(OTHER_FAKE_ID, info.id(), "id");
        assertEquals("", info.name(), "name");
    }

    @Test
    void hostCgroupsResolveToHost() throws IOException {
        start();
        long rootId = (Long) Files.getAttribute(mount(), "unix:ino");

        assertEquals(ContainerInfo.HOST_INFO, component.resolve(rootId), "root cgroup");
        assertEquals(ContainerInfo.HOST_INFO, component.resolve(UNKNOWN_CGROUP_ID),
                "unknown id without kernel path");
    }

    @Test
    void missingSocketStillResolvesRuntimeAndId() throws Exception {
        Path socket = temp.resolve("absent/docker.sock");
        start("dockerSocket", socket.toString(), "reconnectMaxSeconds", 1L);
        String id = docker.runDetached(List.of(), "sleep", "30");

        ContainerInfo info = component.resolve(cgroupId(id));

        assertEquals("docker", info.runtime(), "runtime");
        assertEquals(id, info.id(), "id");
        assertEquals("", info.name(), "name");
        awaitLog("warn", socket.toString());
        Thread.sleep(2_000);
        assertEquals(1, log.messages("warn").size(), "warnings during the outage");
    }

    @Test
    void lostSocketIsReportedAndReconnected() throws Exception {
        Path socket = temp.resolve("docker.sock");
        proxy = new UnixSocketProxy(socket, DOCKER_SOCKET);
        proxy.start();
        start("dockerSocket", socket.toString(), "reconnectMaxSeconds", 1L);
        awaitLog("info", "connected to the Docker Engine API at " + socket);

        proxy.close();
        awaitLog("warn", socket.toString());
        String id = docker.runDetached(List.of(), "sleep", "30");
        proxy = new UnixSocketProxy(socket, DOCKER_SOCKET);
        proxy.start();

        awaitLog("info", "reconnected to the Docker Engine API at " + socket);
        await("container started during the outage listed", () -> component.containers()
                .stream().anyMatch(c -> c.id().equals(id) && !c.name().isEmpty()));
    }

    @Test
    void invalidConfigurationKeepsPreviousOne() {
        start("inspectTimeoutMillis", 0L);

        assertEquals(Settings.DEFAULTS, component.settings(), "settings at activation");
        assertTrue(log.messages("error").stream().anyMatch(line ->
                line.contains(ContainerResolverComponent.PID)
                        && line.contains("inspectTimeoutMillis=0")
                        && line.contains("from 1 to 10000 milliseconds")),
                "error names PID, property, value and range: " + log.messages("error"));

        modify("tombstoneSeconds", 5L);
        assertEquals(5, component.settings().tombstoneSeconds(), "valid change");

        modify("tombstoneSeconds", 9L, "maxScanDirectories", "many");
        assertEquals(5, component.settings().tombstoneSeconds(), "after an invalid change");
        assertTrue(log.messages("error").stream()
                .anyMatch(line -> line.contains("maxScanDirectories=many")), "error of 'many'");

        modify("tombstoneSeconds", "soon");
        assertEquals(5, component.settings().tombstoneSeconds(), "after a value that is no number");

        modify("cgroupRoot", "relative/cgroup");
        assertTrue(log.messages("error").stream()
                .anyMatch(line -> line.contains("cgroupRoot=relative/cgroup")), "error of root");
    }

    private void start(Object... pairs) {
        Map<String, Object> properties = TestConfigs.properties(pairs);
        component = new ContainerResolverComponent(log.logger());
        component.activate(TestConfigs.config(properties), properties);
    }

    private void modify(Object... pairs) {
        Map<String, Object> properties = TestConfigs.properties(pairs);
        component.modified(TestConfigs.config(properties), properties);
    }

    private static Path mount() throws IOException {
        Optional<Path> mount = CgroupMounts.findCgroup2Mount();
        return mount.orElseThrow(() -> new IOException("no cgroup v2 mount"));
    }

    private static Path cgroupDirectory(String containerId) throws IOException {
        return mount().resolve("docker").resolve(containerId);
    }

    private static long cgroupId(String containerId) throws IOException {
        return (Long) Files.getAttribute(cgroupDirectory(containerId), "unix:ino");
    }

    private void awaitLog(String level, String fragment) throws InterruptedException {
        await(level + " line with \"" + fragment + "\" in " + log.lines(), () ->
                log.messages(level).stream().anyMatch(line -> line.contains(fragment)));
    }

    private static void await(String description, BooleanSupplier condition)
            throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out waiting for " + description);
            }
            Thread.sleep(50);
        }
    }
}
