package org.tarsier.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.junit.After;
import org.junit.Before;
import org.junit.Test;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

/**
 * The agent as a daemon: started as a process by the systemd unit's command line, stopped by
 * signals, observed through its endpoints, log lines, notify socket and the kernel's program
 * list.
 */
public class DaemonProcessTest {

    private Path root;
    private final List<AutoCloseable> resources = new ArrayList<>();

    @Before
    public void createRoot() throws IOException {
        root = Files.createDirectories(Path.of("target/daemon", UUID.randomUUID().toString()))
                .toAbsolutePath();
    }

    @After
    public void stopEverything() throws Exception {
        Collections.reverse(resources);
        for (AutoCloseable resource : resources) {
            resource.close();
        }
    }

    @Test
    public void sigtermFlushesAlertsAndDetaches() throws Exception {
        String marker = "tdm-" + UUID.randomUUID().toString().substring(0, 8);
        NotifySocket notify = track(new NotifySocket(root));
        AgentProcess agent = track(new AgentProcess(root,
                Map.of("org.tarsier.agent", Map.of("readiness.grace.seconds", "2"))));
        writeMarkerRule(agent, marker);
        agent.start(Map.of("NOTIFY_SOCKET", notify.path()));

        int firstAnswer = awaitFirstAnswer(agent, "/readyz", 60);
        agent.awaitStatus("/readyz", 200, 90);
        awaitMessage(notify, "READY=1");
        runMarker(marker);
        awaitAlertCounted(agent, marker);
        List<Integer> programs = agent.programIds();
        agent.signal("TERM");
        HttpResponse<String> stopping = awaitStatusResponse(agent, "/readyz", 503, 2);
        int exit = agent.awaitExit(40);

        assertEquals("first /readyz status while starting", 503, firstAnswer);
        assertTrue("/readyz body during shutdown: " + stopping.body(),
                stopping.body().contains("\"stopping\""));
        assertEquals("exit status; log:\n" + agent.log(), 0, exit);
        assertTrue("alerts file holds the marker alert",
                Files.readString(agent.alertsFile()).contains(marker));
        assertProgramsGone(programs);
        assertFalse("shell socket removed", Files.exists(agent.shellSocket()));
        awaitMessage(notify, "STOPPING=1");
        assertEveryLine(agent.log(), DaemonProcessTest::isLogfmtEntry);
    }

    @Test
    public void secondSigtermStillDetaches() throws Exception {
        AgentProcess agent = track(new AgentProcess(root,
                Map.of("org.tarsier.agent", Map.of("readiness.grace.seconds", "1"))));
        agent.start(Map.of());
        agent.awaitStatus("/readyz", 200, 90);
        List<Integer> programs = agent.programIds();

        agent.signal("TERM");
        Thread.sleep(200);
        agent.signal("TERM");
        int exit = agent.awaitExit(40);

        assertEquals("exit status; log:\n" + agent.log(), 0, exit);
        assertTrue("second signal logged", agent.log().contains("received during the shutdown"));
        assertProgramsGone(programs);
    }

    @Test
    public void readinessFollowsProbeState() throws Exception {
        AgentProcess agent = track(new AgentProcess(root,
                Map.of("org.tarsier.log", Map.of("format", "json"))));
        agent.start(Map.of());
        agent.awaitStatus("/readyz", 200, 90);

        String unload = agent.shell("probe:unload tcp");
        HttpResponse<String> notReady = awaitStatusResponse(agent, "/readyz", 503, 10);
        int live = agent.status("/livez");
        int healthz = agent.status("/healthz");
        agent.shell("probe:load tcp");
        agent.awaitStatus("/readyz", 200, 30);
        agent.signal("INT");
        int exit = agent.awaitExit(40);

        assertTrue("/readyz names the probe: " + notReady.body() + " (shell: " + unload + ")",
                notReady.body().contains("\"probe:tcp\""));
        assertEquals("/livez while a probe is unloaded", 200, live);
        assertEquals("/healthz while a probe is unloaded", 200, healthz);
        assertEquals("exit status after SIGINT; log:\n" + agent.log(), 0, exit);
        assertEveryLine(agent.log(), DaemonProcessTest::isJsonEntry);
    }

    @Test
    public void readinessNamesRefusedProbe() throws Exception {
        AgentProcess agent = track(new AgentProcess(root, Map.of()));
        agent.startWithout(List.of("bpf", "sys_admin"));

        HttpResponse<String> refused = awaitStatusResponse(agent, "/readyz", 503, 60);
        String body = awaitProbeFailure(agent, 60);
        agent.signal("TERM");
        int exit = agent.awaitExit(40);

        assertTrue("/readyz names a failed probe: " + body, body.contains("\"FAILED\""));
        assertTrue("/readyz 503 body is JSON: " + refused.body(),
                refused.body().startsWith("{\"status\":\"failing\""));
        assertEquals("exit status; log:\n" + agent.log(), 0, exit);
    }

    @Test
    public void timeoutForcesNonZeroExit() throws Exception {
        AgentProcess agent = track(new AgentProcess(root, Map.of("org.tarsier.agent",
                Map.of("shutdown.timeout.seconds", "1", "readiness.grace.seconds", "30"))));
        agent.start(Map.of());
        agent.awaitStatus("/readyz", 200, 90);
        List<Integer> programs = agent.programIds();

        agent.signal("TERM");
        int exit = agent.awaitExit(30);

        assertEquals("exit status; log:\n" + agent.log(), 1, exit);
        assertTrue("timeout logged", agent.log().contains("shutdown timed out after 1000 ms"));
        assertProgramsGone(programs);
    }

    @Test
    public void sighupReloadsWithoutRestart() throws Exception {
        AgentProcess agent = track(new AgentProcess(root, Map.of()));
        agent.start(Map.of());
        agent.awaitStatus("/readyz", 200, 90);
        long pid = agent.pid();

        agent.signal("HUP");
        String reloaded = awaitLogLine(agent, "SIGHUP: configuration folder", 20);

        assertTrue("rules reloaded: " + reloaded, reloaded.contains("rules:reload"));
        assertEquals("/readyz after SIGHUP", 200, agent.status("/readyz"));
        assertEquals("same process", pid, agent.pid());
    }

    private <T extends AutoCloseable> T track(T resource) {
        resources.add(resource);
        return resource;
    }

    private static void writeMarkerRule(AgentProcess agent, String marker) throws IOException {
        Files.writeString(agent.configFolder().resolve("rules.d/daemon_test.yaml"), String.join(
                "\n",
                "- rule: Daemon test marker " + marker,
                "  desc: The daemon test ran its marker program.",
                "  condition: evt.type in (execve, execveat) and evt.dir=< and proc.name = "
                        + marker,
                "  output: daemon test marker ran (proc=%proc.name)",
                "  priority: WARNING",
                ""));
    }

    private void runMarker(String marker) throws IOException, InterruptedException {
        Path program = root.resolve(marker);
        Files.copy(Path.of("/bin/true"), program, StandardCopyOption.REPLACE_EXISTING);
        program.toFile().setExecutable(true);
        Process process = new ProcessBuilder(program.toString()).start();
        assertTrue("marker program finished", process.waitFor(10, TimeUnit.SECONDS));
    }

    private static void awaitAlertCounted(AgentProcess agent, String marker) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (agent.get("/metrics").body().lines().anyMatch(line ->
                    line.startsWith("tarsier_alerts_total") && line.contains(marker))) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no alert of rule " + marker + " counted within 30 s; log:\n"
                + agent.log());
    }

    private static int awaitFirstAnswer(AgentProcess agent, String path, long seconds)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            int status = agent.status(path);
            if (status > 0) {
                return status;
            }
            Thread.sleep(20);
        }
        return -1;
    }

    private static HttpResponse<String> awaitStatusResponse(AgentProcess agent, String path,
            int expected, long seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<String> response = agent.get(path);
                if (response.statusCode() == expected) {
                    return response;
                }
                last = response.statusCode() + " " + response.body();
            } catch (IOException e) {
                last = e.toString();
            }
            Thread.sleep(50);
        }
        throw new AssertionError(path + " did not return " + expected + " within " + seconds
                + " s; last answer: " + last);
    }

    /** Waits until /readyz lists a probe in state FAILED, and returns that body. */
    private static String awaitProbeFailure(AgentProcess agent, long seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            try {
                last = agent.get("/readyz").body();
                if (last.contains("\"FAILED\"")) {
                    return last;
                }
            } catch (IOException e) {
                last = e.toString();
            }
            Thread.sleep(200);
        }
        return last;
    }

    private static String awaitLogLine(AgentProcess agent, String fragment, long seconds)
            throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            for (String line : agent.log().split("\n")) {
                if (line.contains(fragment)) {
                    return line;
                }
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no log line containing '" + fragment + "' within " + seconds
                + " s; log:\n" + agent.log());
    }

    private static void awaitMessage(NotifySocket notify, String message) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!notify.messages().contains(message)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("notify socket did not receive " + message + "; got "
                        + notify.messages());
            }
            Thread.sleep(100);
        }
    }

    private static void assertProgramsGone(List<Integer> programs) throws Exception {
        assertFalse("agent had BPF programs open before the signal", programs.isEmpty());
        Set<Integer> left = Kernel.await(Kernel::programIds,
                ids -> programs.stream().noneMatch(ids::contains));
        for (Integer id : programs) {
            assertFalse("BPF program " + id + " of the agent still loaded", left.contains(id));
        }
    }

    private static void assertEveryLine(String log, java.util.function.Predicate<String> parses) {
        List<String> lines = log.lines().toList();
        assertFalse("agent wrote log lines", lines.isEmpty());
        for (String line : lines) {
            assertTrue("log line does not parse: " + line, parses.test(line));
        }
    }

    /**
     * Returns whether the line is a sequence of logfmt key=value pairs, each value bare or
     * double-quoted with backslash escapes, with the fields every entry has.
     */
    static boolean isLogfmtEntry(String line) {
        java.util.Set<String> keys = new java.util.HashSet<>();
        int i = 0;
        while (i < line.length()) {
            int equals = line.indexOf('=', i);
            if (equals <= i || !line.substring(i, equals).matches("\\w+")) {
                return false;
            }
            keys.add(line.substring(i, equals));
            i = equals + 1;
            if (i < line.length() && line.charAt(i) == '"') {
                i++;
                while (i < line.length() && line.charAt(i) != '"') {
                    i += line.charAt(i) == '\\' ? 2 : 1;
                }
                if (i >= line.length()) {
                    return false;
                }
                i++;
            } else {
                while (i < line.length() && line.charAt(i) != ' ') {
                    if (line.charAt(i) == '"' || line.charAt(i) == '=') {
                        return false;
                    }
                    i++;
                }
            }
            if (i < line.length() && line.charAt(i++) != ' ') {
                return false;
            }
        }
        return keys.containsAll(List.of("time", "level", "bundle", "logger", "message"));
    }

    private static boolean isJsonEntry(String line) {
        try {
            JsonObject entry = JsonParser.parseString(line).getAsJsonObject();
            return entry.has("time") && entry.has("level") && entry.has("bundle")
                    && entry.has("logger") && entry.has("message");
        } catch (RuntimeException e) {
            return false;
        }
    }
}
