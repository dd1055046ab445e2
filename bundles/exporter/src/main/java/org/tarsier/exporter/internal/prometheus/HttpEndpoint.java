package org.tarsier.exporter.internal.prometheus;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;

import org.osgi.service.log.Logger;
import org.tarsier.api.log.RateLimiter;
import org.tarsier.exporter.internal.NamedThreads;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * HTTP server of the JDK that serves {@code GET /metrics}, {@code GET /livez},
 * {@code GET /readyz} and {@code GET /healthz}, an alias of {@code /livez} that returns
 * {@code ok} as plain text.
 *
 * <p>Binding runs on a thread of its own, so {@link #bind} returns without waiting for a host
 * name lookup or a busy port. A failed bind is logged as an error and retried with a delay that doubles from 1 s up to
 * 60 s, until it succeeds or {@link #bind} or {@link #close} is called again.
 */
final class HttpEndpoint implements AutoCloseable {

    /** Writes the metrics in the given exposition format. */
    @FunctionalInterface
    interface MetricsWriter {
        void write(OutputStream out, String contentType) throws IOException;
    }

    static final String TEXT_FORMAT = "text/plain; version=0.0.4; charset=utf-8";
    static final String OPENMETRICS_FORMAT =
            "application/openmetrics-text; version=1.0.0; charset=utf-8";

    private static final long FIRST_RETRY_MILLIS = 1_000;
    private static final long MAX_RETRY_MILLIS = 60_000;
    private static final int HTTP_THREADS = 2;
    private static final Set<String> PATHS = Set.of("/metrics", "/livez", "/readyz", "/healthz");
    private static final byte[] HEALTHY = "ok\n".getBytes(StandardCharsets.US_ASCII);

    private final String pid;
    private final MetricsWriter metrics;
    private final HealthChecks health;
    private final Logger logger;
    private final RateLimiter limiter = new RateLimiter(60_000);
    private final ScheduledExecutorService binder =
            Executors.newSingleThreadScheduledExecutor(new NamedThreads("tarsier-exporter-bind"));

    // Written only on the binder thread; read by address() from any thread.
    private volatile HttpServer server;
    private volatile ExecutorService serverThreads;
    private long generation;

    HttpEndpoint(String pid, MetricsWriter metrics, HealthChecks health, Logger logger) {
        this.pid = pid;
        this.metrics = metrics;
        this.health = health;
        this.logger = logger;
    }

    /** Closes any current server and binds a new one to {@code address} and {@code port}. */
    void bind(String address, int port) {
        binder.execute(() -> {
            generation++;
            stopServer();
            attempt(generation, address, port, 1, FIRST_RETRY_MILLIS);
        });
    }

    /** Returns the address the server listens on, or {@code null} while it is not bound. */
    InetSocketAddress address() {
        HttpServer current = server;
        return current == null ? null : current.getAddress();
    }

    @Override
    public void close() {
        binder.shutdownNow();
        try {
            if (!binder.awaitTermination(5, TimeUnit.SECONDS)) {
                logger.warn("metrics endpoint: bind thread did not stop within 5 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        stopServer();
    }

    private void attempt(long bindGeneration, String address, int port, int count, long delay) {
        if (bindGeneration != generation) {
            return;
        }
        try {
            start(new InetSocketAddress(InetAddress.getByName(address), port));
            String retries = count > 1 ? " after " + count + " attempts" : "";
            logger.info("metrics endpoint listening on http://{}/metrics{}",
                    hostAndPort(server.getAddress()), retries);
        } catch (IOException | RuntimeException e) {
            String key = "bind " + address + ":" + port;
            if (limiter.permit(key)) {
                logger.error("failed to bind the metrics endpoint to {}:{} (PID {}, properties"
                        + " address and port): {}; retrying in {} ms ({} similar messages"
                        + " suppressed)", address, port, pid, e.toString(), delay,
                        limiter.suppressed(key));
            }
            long next = Math.min(delay * 2, MAX_RETRY_MILLIS);
            binder.schedule(() -> attempt(bindGeneration, address, port, count + 1, next),
                    delay, TimeUnit.MILLISECONDS);
        }
    }

    private void start(InetSocketAddress socketAddress) throws IOException {
        HttpServer created = HttpServer.create(socketAddress, 0);
        created.createContext("/", this::handle);
        ExecutorService threads = Executors.newFixedThreadPool(
                HTTP_THREADS, new NamedThreads("tarsier-exporter-http"));
        created.setExecutor(threads);
        created.start();
        server = created;
        serverThreads = threads;
    }

    private void stopServer() {
        HttpServer current = server;
        if (current == null) {
            return;
        }
        server = null;
        current.stop(0);
        serverThreads.shutdownNow();
        logger.info("metrics endpoint on {} closed", hostAndPort(current.getAddress()));
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            String method = exchange.getRequestMethod();
            if (!PATHS.contains(path)) {
                respond(exchange, 404, "text/plain; charset=utf-8", bytes("not found: " + path));
            } else if (!method.equals("GET") && !method.equals("HEAD")) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                respond(exchange, 405, "text/plain; charset=utf-8",
                        bytes("method " + method + " not allowed: use GET or HEAD"));
            } else if (path.equals("/healthz")) {
                HealthChecks.Report live = health.liveness();
                respond(exchange, live.ok() ? 200 : 503, "text/plain; charset=utf-8",
                        live.ok() ? HEALTHY : bytes(live.json()));
            } else if (path.equals("/livez")) {
                serveReport(exchange, health.liveness());
            } else if (path.equals("/readyz")) {
                serveReport(exchange, health.readiness());
            } else {
                serveMetrics(exchange);
            }
        }
    }

    private static void serveReport(HttpExchange exchange, HealthChecks.Report report)
            throws IOException {
        respond(exchange, report.ok() ? 200 : 503, "application/json",
                report.json().getBytes(StandardCharsets.UTF_8));
    }

    private void serveMetrics(HttpExchange exchange) throws IOException {
        String contentType = negotiate(exchange.getRequestHeaders().getFirst("Accept"));
        ByteArrayOutputStream body = new ByteArrayOutputStream(64 * 1024);
        try {
            metrics.write(body, contentType);
        } catch (IOException | RuntimeException e) {
            if (limiter.permit("scrape")) {
                logger.error("metrics endpoint: scrape failed ({} similar messages suppressed)",
                        limiter.suppressed("scrape"), e);
            }
            respond(exchange, 500, "text/plain; charset=utf-8", bytes("scrape failed: " + e));
            return;
        }
        byte[] payload = body.toByteArray();
        if (acceptsGzip(exchange.getRequestHeaders().getFirst("Accept-Encoding"))) {
            exchange.getResponseHeaders().set("Content-Encoding", "gzip");
            payload = gzip(payload);
        }
        respond(exchange, 200, contentType, payload);
    }

    private static void respond(HttpExchange exchange, int status, String contentType, byte[] body)
            throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        if (exchange.getRequestMethod().equals("HEAD")) {
            exchange.sendResponseHeaders(status, -1);
            return;
        }
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        exchange.getResponseBody().write(body);
    }

    /**
     * Chooses OpenMetrics when the client lists it and the Prometheus text format otherwise.
     * Protobuf is never chosen because its writer is not part of this bundle.
     */
    static String negotiate(String accept) {
        if (accept != null
                && accept.toLowerCase(Locale.ROOT).contains("application/openmetrics-text")) {
            return OPENMETRICS_FORMAT;
        }
        return TEXT_FORMAT;
    }

    private static boolean acceptsGzip(String acceptEncoding) {
        if (acceptEncoding == null) {
            return false;
        }
        for (String coding : List.of(acceptEncoding.toLowerCase(Locale.ROOT).split(","))) {
            String[] parts = coding.trim().split(";");
            if (parts[0].trim().equals("gzip") && !isZeroQuality(parts)) {
                return true;
            }
        }
        return false;
    }

    private static boolean isZeroQuality(String[] parts) {
        for (int i = 1; i < parts.length; i++) {
            String parameter = parts[i].replace(" ", "");
            if (parameter.equals("q=0") || parameter.matches("q=0\\.0*")) {
                return true;
            }
        }
        return false;
    }

    private static byte[] gzip(byte[] payload) throws IOException {
        ByteArrayOutputStream compressed = new ByteArrayOutputStream(payload.length / 4 + 64);
        try (GZIPOutputStream out = new GZIPOutputStream(compressed)) {
            out.write(payload);
        }
        return compressed.toByteArray();
    }

    private static byte[] bytes(String text) {
        return (text + "\n").getBytes(StandardCharsets.UTF_8);
    }

    private static String hostAndPort(InetSocketAddress address) {
        String host = address.getAddress().getHostAddress();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + address.getPort();
    }
}
