package org.tarsier.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Builds the agent image with deploy/image/build-image.sh and runs it as the DaemonSet does:
 * host PID, only the DaemonSet's capabilities, the host paths mounted, and host networking with
 * the metrics endpoint on a free loopback port. Needs root, a Docker engine and the agent lock,
 * because the agent in the container loads the probes into this host's kernel.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AgentImageTest {

    private static final String LABEL = "org.tarsier.test=image";
    private static final String WORKLOAD_IMAGE = "tarsier/busybox:dev";
    private static final List<String> PROBES = List.of("process", "syscall", "file", "tcp");
    private static final Pattern PROGRAM_ID = Pattern.compile("^(\\d+): ", Pattern.MULTILINE);

    private final HttpClient http = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(2))
            .build();
    private final String suffix = Long.toString(ProcessHandle.current().pid());
    private final String agentName = "tarsier-image-test-agent-" + suffix;
    private final String workloadName = "tarsier-image-test-workload-" + suffix;
    private Path configDir;
    private int port;
    private Set<Integer> programsBefore;
    private Set<Integer> agentPrograms = Set.of();
    private List<String> capabilities;

    @BeforeAll
    void startAgentContainer() throws Exception {
        Command.Result build = Command.run(
                List.of(Deployment.home().resolve("deploy/image/build-image.sh").toString(),
                        "--tag", Deployment.image()),
                Map.of("JAVA_HOME", System.getProperty("java.home")), 300);
        assertEquals(0, build.exitCode(), "image build failed: " + build.stderr());

        port = freeLoopbackPort();
        configDir = Files.createTempDirectory("tarsier-image-etc");
        copyConfig(Deployment.home().resolve("runtime/etc"), configDir);
        Path exporterConfig = configDir.resolve("org.tarsier.exporter.cfg");
        Files.writeString(exporterConfig, Files.readString(exporterConfig)
                .replaceAll("(?m)^port = .*$", "port = " + port));

        capabilities = capabilitiesDockerAccepts();
        programsBefore = programIds();
        Command.checked(agentRunCommand(), 60);
    }

    @AfterAll
    void removeContainers() throws Exception {
        Command.run(List.of("docker", "rm", "-f", agentName, workloadName), 60);
        if (configDir != null) {
            try (Stream<Path> files = Files.walk(configDir)) {
                for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(file);
                }
            }
        }
    }

    @Test
    @Order(1)
    void metricsEndpointAnswers() throws Exception {
        String metrics = awaitMetrics(text -> text.contains("tarsier_events_total"));
        assertTrue(metrics.contains("tarsier_events_total"),
                "no tarsier_events_total on port " + port + "; agent log:\n" + agentLog());
        assertEquals(200, get("/livez").statusCode(), "GET /livez");
    }

    @Test
    @Order(2)
    void probesLoad() throws Exception {
        String metrics = awaitMetrics(text -> PROBES.stream().allMatch(
                probe -> text.contains("tarsier_probe_loaded{probe=\"" + probe + "\"} 1")));
        for (String probe : PROBES) {
            assertTrue(metrics.contains("tarsier_probe_loaded{probe=\"" + probe + "\"} 1"),
                    "probe " + probe + " is not loaded; agent log:\n" + agentLog());
        }
        agentPrograms = new TreeSet<>(programIds());
        agentPrograms.removeAll(programsBefore);
        assertFalse(agentPrograms.isEmpty(), "bpftool shows no program loaded by the agent");
        // the probes load before the framework has finished starting, which readiness waits for
        HttpResponse<String> ready = awaitReady();
        assertEquals(200, ready.statusCode(),
                "GET /readyz: " + ready.body() + "; agent log:\n" + agentLog());
    }

    @Test
    @Order(3)
    void containerIsSeen() throws Exception {
        ensureWorkloadImage();
        String id = Command.checked(List.of("docker", "run", "-d", "--network", "none",
                "--label", LABEL, "--name", workloadName, WORKLOAD_IMAGE, "sh", "-c",
                "for i in $(seq 1 100); do /bin/true; sleep 0.2; done"), 60).trim();
        String series = "tarsier_container_execs_total{container_id=\"" + id.substring(0, 12)
                + "\"";
        String metrics = awaitMetrics(text -> text.contains(series));
        assertTrue(metrics.contains(series),
                "no exec series of container " + id + "; agent log:\n" + agentLog());
    }

    @Test
    @Order(4)
    void stopLeavesNoProgram() throws Exception {
        assertFalse(agentPrograms.isEmpty(), "no program of the agent was seen loaded");
        Command.checked(List.of("docker", "stop", "--time", "30", agentName), 60);
        Set<Integer> left = new TreeSet<>(programIds());
        for (int attempt = 0; attempt < 50 && containsAny(left, agentPrograms); attempt++) {
            Thread.sleep(100);
            left = new TreeSet<>(programIds());
        }
        left.retainAll(agentPrograms);
        assertTrue(left.isEmpty(), "programs " + left + " of the agent are still loaded");
        String state = Command.checked(List.of("docker", "inspect", "--format",
                "{{.State.ExitCode}}", agentName), 30).trim();
        assertEquals("0", state, "exit code of the agent after docker stop: an ordered stop exits 0");
    }

    /** Returns docker run arguments equal to the DaemonSet's pod settings. */
    private List<String> agentRunCommand() {
        List<String> command = new ArrayList<>(List.of("docker", "run", "-d",
                "--name", agentName, "--label", LABEL,
                "--pid", "host", "--network", "host",
                "--security-opt", "seccomp=unconfined",
                "--cap-drop", "ALL",
                "--env", "JAVA_OPTS=" + Deployment.JAVA_OPTS,
                // The DaemonSet's root file system is read-only with these folders writable.
                "--read-only",
                "--tmpfs", "/tmp", "--tmpfs", "/run/tarsier", "--tmpfs", "/opt/tarsier/deploy",
                "--tmpfs", Deployment.DATA_DIR));
        for (String capability : capabilities) {
            command.addAll(List.of("--cap-add", capability));
        }
        for (String path : Deployment.HOST_PATHS) {
            command.addAll(List.of("-v", path + ":" + path + ":ro"));
        }
        command.addAll(List.of(
                "-v", "/var/run/docker.sock:/var/run/docker.sock",
                "-v", configDir + ":" + Deployment.CONFIG_DIR + ":ro",
                Deployment.image()));
        return command;
    }

    /**
     * Returns the DaemonSet's capabilities that this host can grant a container, with
     * SYS_ADMIN in place of BPF and PERFMON when the engine does not know them, as
     * docs/deployment.md instructs operators. Docker 20.10 as Debian 12 packages it rejects
     * them as unknown. runc fails to apply a capability that the engine's own bounding set
     * lacks, as SYS_RESOURCE in some sandboxed virtual machines; such a one is left out.
     */
    private static List<String> capabilitiesDockerAccepts()
            throws IOException, InterruptedException {
        String base = Deployment.image().replace("tarsier/agent:", "tarsier/agent-base:");
        List<String> accepted = new ArrayList<>();
        for (String capability : Deployment.CAPABILITIES) {
            String name = "tarsier-image-test-cap-" + ProcessHandle.current().pid();
            Command.Result result = Command.run(List.of("docker", "run", "--name", name,
                    "--network", "none", "--label", LABEL, "--cap-drop", "ALL",
                    "--cap-add", capability, base, "/bin/true"), 60);
            // A container whose capabilities runc failed to apply stays behind as Created.
            Command.run(List.of("docker", "rm", "-f", name), 60);
            if (result.exitCode() == 0) {
                accepted.add(capability);
            } else if (!result.stderr().contains("unknown capability")
                    && !result.stderr().contains("unable to apply caps")) {
                throw new IOException("docker run of " + base + " with " + capability
                        + " failed: " + result.stderr());
            }
        }
        if (!accepted.contains("BPF") || !accepted.contains("PERFMON")) {
            accepted.add(Deployment.BPF_FALLBACK);
        }
        return accepted;
    }

    private String awaitMetrics(Predicate<String> condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        String text = "";
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<String> response = get("/metrics");
                text = response.body();
                if (response.statusCode() == 200 && condition.test(text)) {
                    return text;
                }
            } catch (IOException notYetListening) {
                // The agent opens the endpoint a few seconds after the JVM starts.
            }
            Thread.sleep(500);
        }
        return text;
    }

    /** Polls {@code /readyz} until it returns 200, for at most 30 seconds; returns the last. */
    private HttpResponse<String> awaitReady() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        HttpResponse<String> response = get("/readyz");
        while (response.statusCode() != 200 && System.nanoTime() < deadline) {
            Thread.sleep(200);
            response = get("/readyz");
        }
        return response;
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(5))
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private String agentLog() throws IOException, InterruptedException {
        Command.Result logs = Command.run(List.of("docker", "logs", "--tail", "80", agentName), 30);
        return logs.stdout() + logs.stderr();
    }

    private static Set<Integer> programIds() throws IOException, InterruptedException {
        String listing = Command.checked(List.of("bpftool", "prog", "list"), 30);
        Set<Integer> ids = new TreeSet<>();
        Matcher matcher = PROGRAM_ID.matcher(listing);
        while (matcher.find()) {
            ids.add(Integer.parseInt(matcher.group(1)));
        }
        return ids;
    }

    private static boolean containsAny(Set<Integer> set, Set<Integer> candidates) {
        return candidates.stream().anyMatch(set::contains);
    }

    private static int freeLoopbackPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static void copyConfig(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path file : files.toList()) {
                Path target = to.resolve(from.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(file, target);
                }
            }
        }
    }

    /** Imports the workload image from the host's busybox-static unless it exists. */
    private static void ensureWorkloadImage() throws IOException, InterruptedException {
        if (Command.run(List.of("docker", "image", "inspect", WORKLOAD_IMAGE), 30)
                .exitCode() == 0) {
            return;
        }
        Path root = Files.createTempDirectory("tarsier-rootfs");
        Path bin = Files.createDirectories(root.resolve("bin"));
        for (String folder : List.of("etc", "tmp", "mnt")) {
            Files.createDirectories(root.resolve(folder));
        }
        Files.copy(Path.of("/bin/busybox"), bin.resolve("busybox"));
        for (String applet : Command.checked(List.of("/bin/busybox", "--list"), 30)
                .split("\n")) {
            if (!applet.isBlank() && !applet.equals("busybox")) {
                Files.createSymbolicLink(bin.resolve(applet), Path.of("busybox"));
            }
        }
        Command.checked(List.of("sh", "-c", "tar -C '" + root + "' -c . | docker import"
                + " --change 'ENV PATH=/bin' - " + WORKLOAD_IMAGE), 120);
        Command.run(List.of("rm", "-rf", root.toString()), 30);
    }
}
