package org.tarsier.itest;

import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.options;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import javax.inject.Inject;

import org.junit.After;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.osgi.framework.BundleContext;
import org.tarsier.api.probe.ProbeState;

/**
 * Debian's Prometheus scrapes the running agent, and its query API returns Tarsier series; the
 * agent's real scrape output passes {@code promtool check metrics}.
 */
@RunWith(PaxExam.class)
public class PrometheusScrapeTest implements AgentProbe {

    private static final String PROMETHEUS = "/usr/bin/prometheus";
    private static final String PROMTOOL = "/usr/bin/promtool";

    /** promtool 2.42 lint findings on names that Micrometer's binders choose, not Tarsier. */
    private static final List<String> MICROMETER_LINT_FINDINGS = List.of(
            "process_cpu_time_ns_total metric names should not contain abbreviated units",
            "system_cpu_count non-histogram and non-summary metrics should not have \"_count\"");

    @Inject
    private BundleContext context;

    private ExternalServer prometheus;

    @Configuration
    public Option[] config() {
        return options(AgentOptions.agent());
    }

    @After
    public void stopPrometheus() throws Exception {
        if (prometheus != null) {
            prometheus.close();
        }
    }

    @Test
    public void prometheusQueryReturnsTarsierSeries() throws Exception {
        ExternalServer.requireBinary(PROMETHEUS, "prometheus");
        int agentPort = startAgentEndpoint();
        Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "prometheus");
        Path config = dir.resolve("prometheus.yml");
        Files.writeString(config, "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
                + "scrape_configs:\n  - job_name: tarsier\n    static_configs:\n"
                + "      - targets: ['127.0.0.1:" + agentPort + "']\n");
        int port = ExternalServer.freePort();
        prometheus = new ExternalServer("prometheus", List.of(PROMETHEUS,
                "--config.file=" + config, "--storage.tsdb.path=" + dir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port), dir.resolve("prometheus.log"), port);
        prometheus.start("/-/ready", 60_000);
        Docker.ensureImage();
        Containers.run("tarsier-itest-prometheus", "true");

        String result = awaitQuery("tarsier_events_total{job=\"tarsier\",probe=\"process\","
                + "type=\"EXEC\"}", 30_000);

        assertTrue("no EXEC series in " + result,
                result.contains("\"__name__\":\"tarsier_events_total\""));
        String loaded = awaitQuery("tarsier_probe_loaded{probe=\"process\"} == 1", 10_000);
        assertTrue("probe state missing: " + loaded, loaded.contains("\"probe\":\"process\""));
        String up = awaitQuery("up{job=\"tarsier\"} == 1", 10_000);
        assertTrue("scrape target not up: " + up, up.contains("\"job\":\"tarsier\""));
    }

    @Test
    public void agentScrapePassesPromtool() throws Exception {
        ExternalServer.requireBinary(PROMTOOL, "prometheus");
        int agentPort = startAgentEndpoint();
        String scrape = Metrics.awaitScrape(agentPort, 10_000);

        Process check = new ProcessBuilder(PROMTOOL, "check", "metrics")
                .redirectErrorStream(true)
                .start();
        check.getOutputStream().write(scrape.getBytes(StandardCharsets.UTF_8));
        check.getOutputStream().close();
        String output = new String(check.getInputStream().readAllBytes(),
                StandardCharsets.UTF_8);
        assertTrue("promtool did not finish", check.waitFor(30, TimeUnit.SECONDS));

        for (String finding : output.lines().filter(line -> !line.isBlank()).toList()) {
            assertTrue("unexpected promtool finding: " + finding,
                    MICROMETER_LINT_FINDINGS.stream().anyMatch(finding.trim()::startsWith));
        }
        // Exit code 3 means lint findings only, and 1 means the output did not parse.
        assertTrue("promtool exit code " + check.exitValue() + ": " + output,
                check.exitValue() == 0 || check.exitValue() == 3);
        assertTrue("scrape has no Tarsier metrics", scrape.contains("tarsier_probe_state{"));
    }

    private int startAgentEndpoint() throws Exception {
        int port = ExternalServer.freePort();
        Services.configure(context, "org.tarsier.exporter",
                Map.of("address", "127.0.0.1", "port", port));
        Services.awaitState(Services.probe(context, "process"), ProbeState.LOADED, 30_000);
        Metrics.awaitScrape(port, 10_000);
        return port;
    }

    /** Runs an instant query until its result is not empty, and returns the response body. */
    private String awaitQuery(String query, long timeoutMillis) throws Exception {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        String path = "/api/v1/query?query="
                + java.net.URLEncoder.encode(query, StandardCharsets.UTF_8);
        while (true) {
            String body = prometheus.get(path).body();
            if (body.contains("\"result\":[{") || System.currentTimeMillis() > deadline) {
                return body;
            }
            Thread.sleep(500);
        }
    }
}
