package org.tarsier.exporter.internal.prometheus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.osgi.service.event.Event;
import org.tarsier.api.Topics;
import org.tarsier.api.alert.Alert;
import org.tarsier.api.alert.Priority;
import org.tarsier.api.container.ContainerInfo;
import org.tarsier.api.detector.Detector;
import org.tarsier.api.detector.DetectorStatus;
import org.tarsier.api.detector.Score;
import org.tarsier.api.probe.ProbeState;
import org.tarsier.exporter.internal.OutputCounters;
import org.tarsier.exporter.internal.RecordingLogger;

class PrometheusExporterTest {

    /** promtool 2.42 lint findings on names that Micrometer's binders choose, not Tarsier. */
    private static final List<String> MICROMETER_LINT_FINDINGS = List.of(
            "process_cpu_time_ns_total metric names should not contain abbreviated units",
            "system_cpu_count non-histogram and non-summary metrics should not have \"_count\"");

    private static final Pattern LABEL = Pattern.compile("(\\w+)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    private final RecordingLogger log = new RecordingLogger();
    private final HttpClient http = HttpClient.newBuilder()
            .proxy(HttpClient.Builder.NO_PROXY)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private PrometheusExporter exporter;

    @AfterEach
    void stopExporter() {
        if (exporter != null) {
            exporter.deactivate();
        }
    }

    @Test
    void eventsCountedByProbeAndType() throws Exception {
        start(Map.of("port", 0));
        for (int i = 0; i < 3; i++) {
            post(Topics.PROCESS_EXEC, Map.of(Topics.PROPERTY_PROBE, "process"));
        }
        post(Topics.PROCESS_FORK, Map.of());

        String metrics = scrape();

        assertEquals(3.0,
                sample(metrics, "tarsier_events_total", "probe", "process", "type", "EXEC"));
        assertEquals(1.0,
                sample(metrics, "tarsier_events_total", "probe", "process", "type", "FORK"));
    }

    @Test
    void alertsCountedByDetectorRuleAndPriority() throws Exception {
        start(Map.of("port", 0));
        Alert alert = new Alert("a-1", Instant.now(), "rules", "Shell in container",
                Priority.WARNING, "shell", Map.of(), List.of(), Map.of(), ContainerInfo.HOST_INFO);
        postAlert(alert);
        postAlert(alert);

        String metrics = scrape();

        assertEquals(2.0, sample(metrics, "tarsier_alerts_total",
                "detector", "rules", "rule", "Shell in container", "priority", "Warning"));
    }

    @Test
    void alertWithoutRecordCountedAsUnknown() throws Exception {
        start(Map.of("port", 0));

        post(Topics.alertTopic("custom"), Map.of());

        assertEquals(1.0, sample(scrape(), "tarsier_alerts_total",
                "detector", "custom", "rule", "unknown", "priority", "unknown"));
        assertEquals(1, log.lines("WARN").size());
    }

    @Test
    void probeStateAndDropsExported() throws Exception {
        TestProbe probe = new TestProbe("process");
        probe.setState(ProbeState.LOADED);
        probe.setDrops("ringbuf", 5);
        start(Map.of("port", 0));
        exporter.addProbe(probe);

        String metrics = scrape();

        assertEquals(1.0, sample(metrics, "tarsier_probe_loaded", "probe", "process"));
        assertEquals(1.0,
                sample(metrics, "tarsier_probe_state", "probe", "process", "state", "LOADED"));
        assertEquals(0.0,
                sample(metrics, "tarsier_probe_state", "probe", "process", "state", "FAILED"));
        assertEquals(0.0,
                sample(metrics, "tarsier_probe_state", "probe", "process", "state", "UNLOADED"));
        assertEquals(5.0, sample(metrics, "tarsier_events_dropped_total",
                "probe", "process", "reason", "ringbuf"));
    }

    @Test
    void probeChangesSeenOnNextScrape() throws Exception {
        TestProbe probe = new TestProbe("process");
        start(Map.of("port", 0));
        exporter.addProbe(probe);
        scrape();

        probe.setState(ProbeState.FAILED);
        probe.setDrops("ringbuf", 7);
        probe.setDrops("decode", 1);
        String metrics = scrape();

        assertEquals(0.0, sample(metrics, "tarsier_probe_loaded", "probe", "process"));
        assertEquals(1.0,
                sample(metrics, "tarsier_probe_state", "probe", "process", "state", "FAILED"));
        assertEquals(7.0, sample(metrics, "tarsier_events_dropped_total",
                "probe", "process", "reason", "ringbuf"));
        assertEquals(1.0, sample(metrics, "tarsier_events_dropped_total",
                "probe", "process", "reason", "decode"));
    }

    @Test
    void probeMetersRemovedWithService() throws Exception {
        TestProbe probe = new TestProbe("process");
        probe.setDrops("ringbuf", 1);
        start(Map.of("port", 0));
        exporter.addProbe(probe);
        scrape();

        exporter.removeProbe(probe);
        String metrics = scrape();

        assertFalse(metrics.contains("probe=\"process\""), metrics);
    }

    @Test
    void duplicateProbeExportedAfterFirst() throws Exception {
        TestProbe first = new TestProbe("process");
        TestProbe second = new TestProbe("process");
        second.setState(ProbeState.LOADED);
        start(Map.of("port", 0));
        exporter.addProbe(first);
        exporter.addProbe(second);

        assertEquals(0.0, sample(scrape(), "tarsier_probe_loaded", "probe", "process"));
        exporter.removeProbe(first);

        assertEquals(1.0, sample(scrape(), "tarsier_probe_loaded", "probe", "process"));
        assertEquals(1, log.lines("WARN").size());
    }

    @Test
    void outputCountsExported() throws Exception {
        OutputCounters output = new FixedOutputCounters("jsonl-alerts", 12, 3);
        start(Map.of("port", 0));
        exporter.addOutput(output);

        String metrics = scrape();
        exporter.removeOutput(output);
        String afterRemoval = scrape();

        assertEquals(12.0,
                sample(metrics, "tarsier_output_written_total", "output", "jsonl-alerts"));
        assertEquals(3.0,
                sample(metrics, "tarsier_output_dropped_total", "output", "jsonl-alerts"));
        assertFalse(afterRemoval.contains("jsonl-alerts"), afterRemoval);
    }

    @Test
    void jvmAndProcessMetricsExported() throws Exception {
        start(Map.of("port", 0));

        String metrics = scrape();

        for (String name : List.of("jvm_memory_used_bytes", "jvm_gc_memory_allocated_bytes_total",
                "jvm_threads_live_threads", "jvm_classes_loaded_classes", "process_cpu_usage",
                "system_cpu_count", "process_uptime_seconds", "process_files_open_files")) {
            assertTrue(metrics.contains("\n" + name), "missing " + name);
        }
    }

    @Test
    void scrapeParsedByPromtool() throws Exception {
        start(Map.of("port", 0));
        exporter.addProbe(new TestProbe("process"));
        post(Topics.PROCESS_EXEC, Map.of());

        PromtoolResult result = promtoolCheck(scrape());

        // Exit code 3 means lint findings only; Micrometer's own names have two of them.
        assertTrue(result.exitCode() == 0 || result.exitCode() == 3, result.output());
        for (String finding : result.output().lines().toList()) {
            assertTrue(MICROMETER_LINT_FINDINGS.stream().anyMatch(finding::startsWith),
                    "unexpected promtool finding: " + finding);
        }
    }

    @Test
    void tarsierMetricsPassPromtoolLint() throws Exception {
        start(Map.of("port", 0));
        TestProbe probe = new TestProbe("process");
        probe.setDrops("ringbuf", 1);
        exporter.addProbe(probe);
        exporter.addOutput(new FixedOutputCounters("jsonl-alerts", 1, 0));
        post(Topics.PROCESS_EXEC, Map.of());
        Alert alert = new Alert("a-1", Instant.now(), "rules", "r", Priority.ERROR, "m",
                Map.of(), List.of(), Map.of(), ContainerInfo.HOST_INFO);
        postAlert(alert);
        exporter.addDetector(new FixedDetector("rules",
                new DetectorStatus(1, 2, 0, "", Instant.now(), Map.of("rules_loaded", 3.0))));
        ContainerInfo web = new ContainerInfo("docker", "a1b2c3d4e5f6a7b8", "web", "nginx:1",
                Map.of(), "", "", "");
        post(Topics.scoreTopic("iforest"), Map.of(Topics.PROPERTY_SCORE,
                new Score("iforest", "nginx:1", web, Instant.now(), 0.7, 0.6)));
        String tarsierOnly = scrape().lines()
                .filter(line -> line.startsWith("tarsier_") || line.matches("# \\w+ tarsier_.*"))
                .reduce("", (text, line) -> text + line + "\n");

        PromtoolResult result = promtoolCheck(tarsierOnly);

        assertEquals(22, tarsierOnly.lines().filter(line -> line.startsWith("# TYPE")).count(),
                tarsierOnly);
        assertEquals(0, result.exitCode(), result.output());
    }

    @Test
    void healthzReturnsOk() throws Exception {
        start(Map.of("port", 0));

        HttpResponse<String> response = get("/healthz", Map.of());

        assertEquals(200, response.statusCode());
        assertEquals("ok\n", response.body());
    }

    @Test
    void readyzReturnsJsonWithFailingChecks() throws Exception {
        start(Map.of("port", 0));

        HttpResponse<String> response = get("/readyz", Map.of());

        assertEquals(503, response.statusCode());
        assertEquals("{\"status\":\"failing\",\"failing\":[{\"component\":"
                + "\"container-resolver\",\"state\":\"missing\",\"detail\":"
                + "\"no ContainerResolver service is registered\"}]}\n", response.body());
    }

    @Test
    void stoppingEventFailsReadiness() throws Exception {
        start(Map.of("port", 0));
        exporter.setResolver(new EmptyResolver());
        assertEquals(200, get("/readyz", Map.of()).statusCode());

        post(Topics.AGENT_STOPPING, Map.of());

        assertEquals(503, get("/readyz", Map.of()).statusCode());
        assertEquals(200, get("/livez", Map.of()).statusCode());
    }

    @Test
    void unknownPathReturnsNotFound() throws Exception {
        start(Map.of("port", 0));

        assertEquals(404, get("/metricsx", Map.of()).statusCode());
        assertEquals(404, get("/", Map.of()).statusCode());
    }

    @Test
    void postReturnsMethodNotAllowed() throws Exception {
        start(Map.of("port", 0));
        HttpRequest request = HttpRequest.newBuilder(uri("/metrics"))
                .POST(HttpRequest.BodyPublishers.ofString("x"))
                .build();

        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());

        assertEquals(405, response.statusCode());
        assertEquals("GET, HEAD", response.headers().firstValue("Allow").orElse(""));
    }

    @Test
    void textFormatServedByDefault() throws Exception {
        start(Map.of("port", 0));

        HttpResponse<String> response = get("/metrics", Map.of());

        assertEquals(HttpEndpoint.TEXT_FORMAT,
                response.headers().firstValue("Content-Type").orElse(""));
    }

    @Test
    void openMetricsServedWhenAccepted() throws Exception {
        start(Map.of("port", 0));
        post(Topics.PROCESS_EXEC, Map.of());

        HttpResponse<String> response = get("/metrics", Map.of("Accept",
                "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5"));

        assertEquals(HttpEndpoint.OPENMETRICS_FORMAT,
                response.headers().firstValue("Content-Type").orElse(""));
        assertTrue(response.body().endsWith("# EOF\n"), "OpenMetrics must end with # EOF");
        assertTrue(response.body().contains("# TYPE tarsier_events counter"), response.body());
    }

    @Test
    void gzipServedWhenAccepted() throws Exception {
        start(Map.of("port", 0));
        HttpRequest request = HttpRequest.newBuilder(uri("/metrics"))
                .header("Accept-Encoding", "gzip")
                .build();

        HttpResponse<byte[]> response =
                http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        String body;
        try (var in = new GZIPInputStream(new ByteArrayInputStream(response.body()))) {
            body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }

        assertEquals("gzip", response.headers().firstValue("Content-Encoding").orElse(""));
        assertTrue(body.contains("jvm_threads_live_threads"), body);
    }

    @Test
    void portInUseLoggedAndRetried() throws Exception {
        int port;
        exporter = new PrometheusExporter(log.logger());
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = taken.getLocalPort();
            exporter.activate(Map.of("port", port));
            awaitTrue(() -> !log.lines("ERROR").isEmpty(), "no ERROR for the port in use");

            String error = log.lines("ERROR").get(0);
            assertTrue(error.contains("127.0.0.1:" + port), error);
            assertTrue(error.contains("retrying"), error);
            assertNull(exporter.endpointAddress());
        }

        awaitTrue(() -> exporter.endpointAddress() != null, "not bound after the port was freed");
        assertEquals(port, exporter.endpointAddress().getPort());
    }

    @Test
    void unassignableAddressLoggedAndComponentStaysUp() throws Exception {
        // 192.0.2.1 is reserved for documentation (RFC 5737), so no interface here has it.
        exporter = new PrometheusExporter(log.logger());
        exporter.activate(Map.of("address", "192.0.2.1", "port", 0));
        awaitTrue(() -> !log.lines("ERROR").isEmpty(), "no ERROR for the unassignable address");

        post(Topics.PROCESS_EXEC, Map.of());
        exporter.modified(Map.of("address", "127.0.0.1", "port", 0));
        awaitBound();

        assertTrue(log.lines("ERROR").get(0).contains("192.0.2.1:0"), log.lines("ERROR").get(0));
        assertEquals(1.0,
                sample(scrape(), "tarsier_events_total", "probe", "process", "type", "EXEC"));
    }

    @Test
    void portChangeRebinds() throws Exception {
        start(Map.of("port", 0));
        int oldPort = exporter.endpointAddress().getPort();
        int newPort = freePort();

        exporter.modified(Map.of("port", newPort));
        awaitTrue(() -> exporter.endpointAddress() != null
                && exporter.endpointAddress().getPort() == newPort, "not rebound to " + newPort);

        assertEquals(200, get("/healthz", Map.of()).statusCode());
        HttpRequest old = HttpRequest.newBuilder(URI.create(
                "http://127.0.0.1:" + oldPort + "/healthz")).build();
        assertThrows(ConnectException.class,
                () -> http.send(old, HttpResponse.BodyHandlers.ofString()));
    }

    @Test
    void invalidPortKeepsPreviousConfiguration() throws Exception {
        start(Map.of("port", 0));
        InetSocketAddress before = exporter.endpointAddress();

        exporter.modified(Map.of("port", "99999"));

        String error = log.lines("ERROR").get(0);
        assertTrue(error.contains("PID org.tarsier.exporter"), error);
        assertTrue(error.contains("property port is '99999'"), error);
        assertTrue(error.contains("expected an integer from 0 to 65535"), error);
        assertEquals(before, exporter.endpointAddress());
        assertEquals(200, get("/healthz", Map.of()).statusCode());
    }

    @Test
    void invalidAddressKeepsPreviousConfiguration() throws Exception {
        start(Map.of("port", 0));
        InetSocketAddress before = exporter.endpointAddress();

        exporter.modified(Map.of("address", "not an address", "port", 0));

        assertTrue(log.lines("ERROR").get(0).contains("property address is 'not an address'"));
        assertEquals(before, exporter.endpointAddress());
    }

    @Test
    void eventSeriesBounded() throws Exception {
        start(Map.of("port", 0));

        for (int i = 0; i <= EventMeters.MAX_SERIES; i++) {
            post(Topics.eventTopic("p" + i, "EXEC"), Map.of());
        }
        String metrics = scrape();

        assertEquals(EventMeters.MAX_SERIES, countSamples(metrics, "tarsier_events_total"));
        assertEquals(1, log.lines("WARN").size());
    }

    /** Output and exit code of {@code promtool check metrics}. */
    private record PromtoolResult(int exitCode, String output) {
    }

    private static PromtoolResult promtoolCheck(String metrics) throws Exception {
        Path promtool = Path.of("/usr/bin/promtool");
        if (!Files.isExecutable(promtool)) {
            fail("promtool not found at " + promtool + ": install it with"
                    + " 'apt-get install -y prometheus' to run this check");
        }
        Process check = new ProcessBuilder(promtool.toString(), "check", "metrics")
                .redirectErrorStream(true)
                .start();
        try (var stdin = check.getOutputStream()) {
            stdin.write(metrics.getBytes(StandardCharsets.UTF_8));
        }
        String output = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(check.waitFor(30, TimeUnit.SECONDS), "promtool did not finish in 30 s");
        return new PromtoolResult(check.exitValue(), output);
    }

    private void start(Map<String, Object> properties) throws InterruptedException {
        exporter = new PrometheusExporter(log.logger());
        exporter.activate(new HashMap<>(properties));
        awaitBound();
    }

    private void awaitBound() throws InterruptedException {
        awaitTrue(() -> exporter.endpointAddress() != null, "endpoint not bound: " + log.lines());
    }

    private static void awaitTrue(BooleanSupplier condition, String message)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail(message);
            }
            Thread.sleep(20);
        }
    }

    private String scrape() throws IOException, InterruptedException {
        HttpResponse<String> response = get("/metrics", Map.of());
        assertEquals(200, response.statusCode(), response.body());
        return response.body();
    }

    private HttpResponse<String> get(String path, Map<String, String> headers)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).GET();
        headers.forEach(request::header);
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        InetSocketAddress address = exporter.endpointAddress();
        assertNotNull(address, "endpoint not bound");
        return URI.create("http://127.0.0.1:" + address.getPort() + path);
    }

    private record FixedDetector(String name, DetectorStatus status) implements Detector {
        @Override
        public String description() {
            return "detector with a fixed status";
        }
    }

    private record FixedOutputCounters(String output, long written, long dropped)
            implements OutputCounters {
    }

    private void post(String topic, Map<String, ?> properties) {
        exporter.handleEvent(new Event(topic, properties));
    }

    private void postAlert(Alert alert) {
        post(Topics.alertTopic(alert.detector()), Map.of(Topics.PROPERTY_ALERT, alert));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** Returns the value of the sample of {@code name} with exactly the given labels. */
    private static double sample(String metrics, String name, String... labels) {
        Map<String, String> expected = new HashMap<>();
        for (int i = 0; i < labels.length; i += 2) {
            expected.put(labels[i], labels[i + 1]);
        }
        for (String line : metrics.split("\n")) {
            if (line.startsWith(name + "{") || line.startsWith(name + " ")) {
                int end = line.lastIndexOf(' ');
                if (parseLabels(line.substring(name.length(), end)).equals(expected)) {
                    return Double.parseDouble(line.substring(end + 1));
                }
            }
        }
        fail("no sample " + name + expected + " in:\n" + metrics);
        return Double.NaN;
    }

    private static long countSamples(String metrics, String name) {
        return metrics.lines().filter(line -> line.startsWith(name + "{")).count();
    }

    private static Map<String, String> parseLabels(String text) {
        Map<String, String> labels = new HashMap<>();
        Matcher matcher = LABEL.matcher(text);
        while (matcher.find()) {
            labels.put(matcher.group(1), matcher.group(2));
        }
        return labels;
    }
}
