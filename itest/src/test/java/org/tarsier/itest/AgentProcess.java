package org.tarsier.itest;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The exported agent started as its own process by {@code deploy/systemd/tarsier-agent}, the
 * command line of the systemd unit, in an installed layout under a temporary folder: a prefix
 * with the agent jar, a configuration folder copied from {@code runtime/etc} with the test's
 * overrides, and a data folder. The metrics port is a free port the test picks, and the shell
 * socket lives in the temporary folder.
 */
final class AgentProcess implements AutoCloseable {

    private static final Path HOME = Path.of(System.getProperty("tarsier.home", "..")).toAbsolutePath()
            .normalize();
    private static final Path AGENT_JAR = Path.of(System.getProperty("tarsier.agent.jar",
            HOME.resolve("runtime/target/tarsier.jar").toString())).toAbsolutePath();
    private static final Pattern PROGRAM_ID = Pattern.compile("^prog_id:\\s+(\\d+)$",
            Pattern.MULTILINE);

    private final Path root;
    private final Path config;
    private final Path data;
    private final Path stderr;
    private final int port;
    private final HttpClient http = HttpClient.newBuilder()
            .proxy(HttpClient.Builder.NO_PROXY)
            .connectTimeout(Duration.ofSeconds(2))
            .build();
    private Process process;

    /**
     * Creates the layout; {@code overrides} maps a PID to properties appended to its file.
     */
    AgentProcess(Path root, Map<String, Map<String, String>> overrides) throws IOException {
        this.root = root;
        this.config = root.resolve("etc");
        this.data = root.resolve("data");
        this.stderr = root.resolve("agent.stderr");
        this.port = freePort();
        Files.createDirectories(root.resolve("prefix/lib"));
        Files.createSymbolicLink(root.resolve("prefix/lib/tarsier.jar"), AGENT_JAR);
        copyFolder(HOME.resolve("runtime/etc"), config);
        Map<String, Map<String, String>> all = new LinkedHashMap<>();
        all.put("org.tarsier.exporter", Map.of("port", Integer.toString(port)));
        all.put("org.tarsier.console", Map.of("socket.path", shellSocket().toString()));
        all.put("org.tarsier.output.jsonl", Map.of("alerts.path", alertsFile().toString()));
        overrides.forEach((pid, properties) -> all.merge(pid, properties, (a, b) -> {
            Map<String, String> merged = new LinkedHashMap<>(a);
            merged.putAll(b);
            return merged;
        }));
        for (Map.Entry<String, Map<String, String>> entry : all.entrySet()) {
            StringBuilder text = new StringBuilder("\n# Test overrides\n");
            entry.getValue().forEach((key, value) -> text.append(key).append(" = ")
                    .append(value).append('\n'));
            Path file = config.resolve(entry.getKey() + ".cfg");
            Files.writeString(file, (Files.exists(file) ? Files.readString(file) : "") + text);
        }
    }

    /** Starts the agent with the given extra environment, for example NOTIFY_SOCKET. */
    void start(Map<String, String> environment) throws IOException {
        start(environment, List.of());
    }

    /**
     * Starts the agent without the named capabilities in its bounding set, for example
     * {@code bpf} and {@code sys_admin}, through setpriv(1).
     */
    void startWithout(List<String> capabilities) throws IOException {
        StringBuilder bounding = new StringBuilder();
        for (String capability : capabilities) {
            bounding.append(bounding.isEmpty() ? "" : ",").append('-').append(capability);
        }
        start(Map.of(), List.of("setpriv", "--bounding-set", bounding.toString(), "--"));
    }

    private void start(Map<String, String> environment, List<String> prefix)
            throws IOException {
        List<String> command = new ArrayList<>(prefix);
        command.add(HOME.resolve("deploy/systemd/tarsier-agent").toString());
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().put("TARSIER_PREFIX", root.resolve("prefix").toString());
        builder.environment().put("TARSIER_CONFIG", config.toString());
        builder.environment().put("TARSIER_DATA", data.toString());
        builder.environment().remove("NOTIFY_SOCKET");
        builder.environment().putAll(environment);
        builder.redirectOutput(root.resolve("agent.stdout").toFile());
        builder.redirectError(stderr.toFile());
        process = builder.start();
    }

    long pid() {
        return process.pid();
    }

    Path shellSocket() {
        return root.resolve("run/shell.sock");
    }

    Path alertsFile() {
        return root.resolve("data/log/alerts.jsonl");
    }

    Path configFolder() {
        return config;
    }

    /** Returns the agent's standard error so far: its log lines. */
    String log() throws IOException {
        return Files.exists(stderr) ? Files.readString(stderr) : "";
    }

    /** Sends a signal, for example TERM or HUP, with kill(1). */
    void signal(String name) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(pid()))
                .redirectErrorStream(true).start();
        if (kill.waitFor() != 0) {
            throw new IOException("kill -" + name + " " + pid() + " failed: "
                    + new String(kill.getInputStream().readAllBytes()));
        }
    }

    /** Waits for the process to exit and returns its status, or -1 after the timeout. */
    int awaitExit(long seconds) throws InterruptedException {
        return process.waitFor(seconds, TimeUnit.SECONDS) ? process.exitValue() : -1;
    }

    /** Returns the status code and body of a GET on the agent's HTTP endpoint. */
    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(5)).build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** Returns the status of GET {@code path}, or -1 while the endpoint does not respond. */
    int status(String path) throws InterruptedException {
        try {
            return get(path).statusCode();
        } catch (IOException e) {
            return -1;
        }
    }

    /** Waits until GET {@code path} returns {@code expected}, or fails with the last response. */
    void awaitStatus(String path, int expected, long seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("agent exited with " + process.exitValue()
                        + " while waiting for " + path + " " + expected + "; log:\n" + log());
            }
            try {
                HttpResponse<String> response = get(path);
                if (response.statusCode() == expected) {
                    return;
                }
                last = response.statusCode() + " " + response.body();
            } catch (IOException e) {
                last = e.toString();
            }
            Thread.sleep(200);
        }
        throw new AssertionError(path + " did not return " + expected + " within " + seconds
                + " s; last answer: " + last);
    }

    /** Runs one shell command line through the agent's socket and returns its output. */
    String shell(String command) throws IOException, InterruptedException {
        Process client = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                HOME.resolve("runtime/bin/ShellClient.java").toString(),
                "--socket", shellSocket().toString(), command)
                .redirectErrorStream(true).start();
        String output = new String(client.getInputStream().readAllBytes());
        if (!client.waitFor(60, TimeUnit.SECONDS)) {
            client.destroyForcibly();
            throw new IOException("shell command timed out: " + command);
        }
        return output;
    }

    /**
     * Returns the ids of the BPF programs that this agent process has open, read from the
     * {@code prog_id} lines of its file descriptors' fdinfo. Debian's bpftool 7.1 is built
     * without the {@code pids} column, so {@code bpftool prog list} cannot tell.
     */
    List<Integer> programIds() throws IOException {
        List<Integer> ids = new ArrayList<>();
        Path fdinfo = Path.of("/proc", Long.toString(pid()), "fdinfo");
        try (Stream<Path> files = Files.list(fdinfo)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                String text;
                try {
                    text = Files.readString(file);
                } catch (IOException e) {
                    continue; // the descriptor was closed after the listing
                }
                Matcher id = PROGRAM_ID.matcher(text);
                if (id.find() && !ids.contains(Integer.parseInt(id.group(1)))) {
                    ids.add(Integer.parseInt(id.group(1)));
                }
            }
        }
        return ids;
    }

    /** Stops the agent if it still runs: SIGTERM, then SIGKILL after 30 s. */
    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static void copyFolder(Path source, Path target) throws IOException {
        try (Stream<Path> paths = Files.walk(source)) {
            for (Path path : (Iterable<Path>) paths::iterator) {
                Path copy = target.resolve(source.relativize(path).toString());
                if (Files.isDirectory(path)) {
                    Files.createDirectories(copy);
                } else {
                    Files.copy(path, copy);
                }
            }
        }
    }
}
