package org.tarsier.itest;

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
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A server binary from a Debian package (prometheus, prometheus-alertmanager) started by a test
 * on a loopback port, logging to a file in the test's own folder, and stopped by its pid.
 */
final class ExternalServer implements AutoCloseable {

    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .proxy(HttpClient.Builder.NO_PROXY)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    private final String name;
    private final List<String> command;
    private final Path log;
    private final int port;
    private Process process;

    /**
     * @param command the binary and its arguments; the binary must be executable
     * @param port the loopback port the command listens on
     */
    ExternalServer(String name, List<String> command, Path log, int port) {
        this.name = name;
        this.command = command;
        this.log = log;
        this.port = port;
    }

    /** Returns a TCP port that was free on loopback a moment ago. */
    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** Fails with the package to install when {@code binary} is missing. */
    static void requireBinary(String binary, String debianPackage) {
        if (!Files.isExecutable(Path.of(binary))) {
            throw new AssertionError(binary + " not found: install the Debian package "
                    + debianPackage + ", as ./tarsier test does");
        }
    }

    int port() {
        return port;
    }

    /** Starts the process and waits until {@code readyPath} returns 200. */
    void start(String readyPath, long timeoutMillis) throws IOException, InterruptedException {
        process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .start();
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (true) {
            if (!process.isAlive()) {
                throw new AssertionError(name + " exited with " + process.exitValue()
                        + "; log: " + Files.readString(log));
            }
            try {
                if (get(readyPath).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // Not listening yet.
            }
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError(name + " not ready within " + timeoutMillis
                        + " ms; log: " + Files.readString(log));
            }
            Thread.sleep(200);
        }
    }

    /** Sends a GET request to the server on loopback. */
    HttpResponse<String> get(String pathAndQuery) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + pathAndQuery))
                .timeout(Duration.ofSeconds(5))
                .build();
        return CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** Stops the process with SIGTERM, then SIGKILL after 10 s, and waits for it to exit. */
    @Override
    public void close() throws InterruptedException {
        if (process == null) {
            return;
        }
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
        process = null;
    }
}
