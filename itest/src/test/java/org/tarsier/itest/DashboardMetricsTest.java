package org.tarsier.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.options;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import javax.inject.Inject;

import org.junit.After;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.event.EventAdmin;
import org.tarsier.api.Topics;
import org.tarsier.api.alert.Alert;
import org.tarsier.api.alert.Priority;
import org.tarsier.api.container.ContainerInfo;
import org.tarsier.api.container.ContainerResolver;
import org.tarsier.api.detector.Detector;
import org.tarsier.api.detector.DetectorStatus;
import org.tarsier.api.detector.Score;
import org.tarsier.api.probe.ProbeState;

/**
 * Every metric that a query of the Grafana dashboards or the Prometheus alerting rules in
 * {@code deploy/} names is in the running agent's scrape output, and every query parses as
 * PromQL in {@code promtool}.
 *
 * <p>A test detector service, a score, an alert and a running container make the agent export
 * its detector, score and per-container series.
 */
@RunWith(PaxExam.class)
public class DashboardMetricsTest implements AgentProbe {

    private static final Path DEPLOY = Path.of("../deploy").toAbsolutePath().normalize();
    private static final Pattern EXPR = Pattern.compile("\"expr\":\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");
    private static final Pattern RULE_EXPR = Pattern.compile(
            "^\\s*expr:\\s*(>-\\n((?:\\s{10,}.*\\n)+)|(.*)$)", Pattern.MULTILINE);

    private static final String SYSCALLS = "tarsier_container_syscalls_total";
    private static final String CONNECTS = "tarsier_container_connects_total";

    /** Series that Prometheus adds to every scrape target; no agent exports them. */
    private static final Set<String> SCRAPE_SERIES = Set.of("up");

    /** Metrics the agent exports only while kernel.bpf_stats_enabled is 1. */
    private static final Set<String> BPF_STATS_SERIES = Set.of(
            "tarsier_bpf_program_runs_total", "tarsier_bpf_program_run_seconds_total");

    @Inject
    private BundleContext context;

    private ServiceRegistration<Detector> detector;
    private String containerId;

    @Configuration
    public Option[] config() {
        return options(AgentOptions.agent());
    }

    @After
    public void cleanUp() throws Exception {
        if (detector != null) {
            detector.unregister();
        }
        if (containerId != null) {
            Docker.run(List.of("docker", "rm", "-f", containerId), 30);
        }
    }

    @Test
    public void dashboardsAndRulesUseExportedMetrics() throws Exception {
        Map<String, List<String>> queries = queries();
        Set<String> exported = sampleNames(populatedScrape());
        boolean bpfStats = exported.contains("tarsier_bpf_stats_enabled")
                && Files.readString(Path.of("/proc/sys/kernel/bpf_stats_enabled")).trim()
                        .equals("1");

        List<String> missing = new ArrayList<>();
        for (Map.Entry<String, List<String>> file : queries.entrySet()) {
            for (String query : file.getValue()) {
                for (String metric : metricNames(query)) {
                    boolean conditional = BPF_STATS_SERIES.contains(metric) && !bpfStats;
                    if (!exported.contains(metric) && !SCRAPE_SERIES.contains(metric)
                            && !conditional) {
                        missing.add(file.getKey() + ": " + metric + " in " + query);
                    }
                }
            }
        }

        assertEquals("metrics not exported by the agent:\n" + String.join("\n", missing),
                List.of(), missing);
    }

    @Test
    public void containerSeriesCountRealActivity() throws Exception {
        String scrape = populatedScrape();
        String shortId = containerId.substring(0, 12);

        assertTrue(scrape, containerValue(scrape, SYSCALLS) > 0);
        assertTrue(scrape, containerValue(scrape, CONNECTS) >= 1);
        assertTrue(scrape, containerValue(scrape, "tarsier_container_execs_total") >= 2);
        assertTrue(scrape, containerValue(scrape, "tarsier_container_file_operations_total") >= 1);
        assertTrue(scrape, scrape.contains("tarsier_container_info{container_id=\"" + shortId
                + "\",container_name=\"tarsier-itest-dashboard-"));
        assertEquals(scrape, 0.4, Metrics.value(scrape, "tarsier_detector_score{container_id=\""
                + shortId + "\",detector=\"itest\",model=\"busybox\"}"), 0);
    }

    @Test
    public void everyDashboardHasQueries() throws Exception {
        Map<String, List<String>> queries = queries();

        for (String dashboard : List.of("tarsier-node-overview.json", "tarsier-container.json",
                "tarsier-alerts.json", "tarsier-agent-health.json")) {
            assertTrue(dashboard + " has no queries", !queries.getOrDefault(
                    "grafana/dashboards/" + dashboard, List.of()).isEmpty());
        }
    }

    @Test
    public void queriesParseAsPromql() throws Exception {
        StringBuilder rules = new StringBuilder("groups:\n  - name: queries\n    rules:\n");
        int index = 0;
        for (List<String> file : queries().values()) {
            for (String query : file) {
                String promql = withGrafanaVariables(query).replace("'", "''");
                rules.append("      - record: query_").append(index++).append('\n')
                        .append("        expr: '").append(promql).append("'\n");
            }
        }
        Path file = Files.createTempFile(Path.of("target").toAbsolutePath(), "queries", ".yml");
        Files.writeString(file, rules);

        Process check = new ProcessBuilder("/usr/bin/promtool", "check", "rules",
                file.toString()).redirectErrorStream(true).start();
        String output = new String(check.getInputStream().readAllBytes(),
                StandardCharsets.UTF_8);
        assertTrue("promtool did not finish", check.waitFor(60, TimeUnit.SECONDS));

        assertEquals(output, 0, check.exitValue());
    }

    /** Returns the queries of every dashboard and of the alerting rules, by file. */
    private static Map<String, List<String>> queries() throws IOException {
        Map<String, List<String>> byFile = new java.util.TreeMap<>();
        try (Stream<Path> dashboards = Files.list(DEPLOY.resolve("grafana/dashboards"))) {
            for (Path dashboard : dashboards.filter(p -> p.toString().endsWith(".json"))
                    .toList()) {
                List<String> queries = new ArrayList<>();
                Matcher matcher = EXPR.matcher(Files.readString(dashboard));
                while (matcher.find()) {
                    queries.add(unescapeJson(matcher.group(1)));
                }
                byFile.put(DEPLOY.relativize(dashboard).toString(), queries);
            }
        }
        Path rules = DEPLOY.resolve("prometheus/tarsier-rules.yml");
        List<String> ruleQueries = new ArrayList<>();
        Matcher matcher = RULE_EXPR.matcher(Files.readString(rules));
        while (matcher.find()) {
            String folded = matcher.group(2) != null ? matcher.group(2) : matcher.group(3);
            ruleQueries.add(folded.trim().replaceAll("\\s+", " "));
        }
        byFile.put(DEPLOY.relativize(rules).toString(), ruleQueries);
        return byFile;
    }

    /**
     * Returns the metric names in a PromQL query: identifiers that are not functions,
     * keywords, label names or values, durations or Grafana variables.
     */
    static Set<String> metricNames(String query) {
        String stripped = query
                .replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", "\"\"")
                .replaceAll("\\{[^}]*}", " ")
                .replaceAll("\\[[^]]*]", " ")
                .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)",
                        " ")
                .replaceAll("\\$\\w+", " ");
        Set<String> names = new LinkedHashSet<>();
        Matcher identifier = Pattern.compile("(?<![\\w.])([a-zA-Z_:][\\w:]*)(\\s*\\()?")
                .matcher(stripped);
        Set<String> keywords = Set.of("by", "without", "on", "ignoring", "group_left",
                "group_right", "and", "or", "unless", "bool", "offset", "inf", "nan");
        while (identifier.find()) {
            String name = identifier.group(1);
            boolean function = identifier.group(2) != null;
            if (!function && !keywords.contains(name.toLowerCase())) {
                names.add(name);
            }
        }
        return names;
    }

    /** Returns the scrape after making the agent export every kind of series. */
    private String populatedScrape() throws Exception {
        for (String probe : List.of("process", "syscall", "tcp", "file")) {
            Services.awaitState(Services.probe(context, probe), ProbeState.LOADED, 30_000);
        }
        int port = ExternalServer.freePort();
        Services.configure(context, "org.tarsier.exporter",
                Map.of("address", "127.0.0.1", "port", port));
        Metrics.awaitScrape(port, 10_000);
        registerDetector();
        Docker.ensureImage();
        containerId = startContainer();
        ContainerInfo container = awaitContainer(containerId);
        postAlertAndScore(container);
        // Micrometer registers the GC pause timer on the first collection notification it receives.
        System.gc();

        long deadline = System.currentTimeMillis() + 30_000;
        String scrape = Metrics.scrape(port);
        while (System.currentTimeMillis() < deadline && !(containerValue(scrape, SYSCALLS) > 0
                && containerValue(scrape, CONNECTS) > 0
                && scrape.contains("jvm_gc_pause_seconds_sum"))) {
            Thread.sleep(500);
            scrape = Metrics.scrape(port);
        }
        // Kept for reading when a metric is reported missing.
        Files.writeString(Path.of("target/dashboard-scrape.txt"), scrape);
        return scrape;
    }

    private void registerDetector() {
        Detector test = new Detector() {
            @Override
            public String name() {
                return "itest";
            }

            @Override
            public String description() {
                return "test detector of the dashboard test";
            }

            @Override
            public DetectorStatus status() {
                return new DetectorStatus(1, 1, 0, "", Instant.now(),
                        Map.of("rules_loaded", 3.0));
            }
        };
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put(Detector.PROPERTY_NAME, "itest");
        detector = context.registerService(Detector.class, test, properties);
    }

    /** Starts a container that writes a file, connects to a closed port and keeps running. */
    private static String startContainer() throws Exception {
        Docker.Result result = Docker.run(List.of("docker", "run", "-d", "--network", "none",
                "--label", Docker.LABEL, "--name", "tarsier-itest-dashboard-" + System.nanoTime(),
                Docker.IMAGE, "sh", "-c",
                "sleep 2; touch /tmp/written; nc 127.0.0.1 1 </dev/null;"
                        + " wget -q -T 1 http://127.0.0.1:1/; sleep 60"), 60);
        assertEquals(result.stderr(), 0, result.exitCode());
        return result.stdout().trim();
    }

    private ContainerInfo awaitContainer(String id) throws Exception {
        ContainerResolver resolver = Services.await(context, ContainerResolver.class, "", 10_000);
        long deadline = System.currentTimeMillis() + 10_000;
        while (System.currentTimeMillis() < deadline) {
            for (ContainerInfo container : resolver.containers()) {
                if (container.id().equals(id)) {
                    return container;
                }
            }
            Thread.sleep(200);
        }
        return ContainerInfo.ofId("docker", id);
    }

    private void postAlertAndScore(ContainerInfo container) throws Exception {
        EventAdmin events = Services.await(context, EventAdmin.class, "", 10_000);
        Alert alert = new Alert(UUID.randomUUID().toString(), Instant.now(), "itest",
                "dashboard test", Priority.NOTICE, "dashboard test alert", Map.of(), List.of(),
                Map.of(), container);
        events.postEvent(new org.osgi.service.event.Event(Topics.alertTopic("itest"),
                Map.of(Topics.PROPERTY_ALERT, alert)));
        Score score = new Score("itest", "busybox", container, Instant.now(), 0.4, 0.8);
        events.postEvent(new org.osgi.service.event.Event(Topics.scoreTopic("itest"),
                Map.of(Topics.PROPERTY_SCORE, score)));
    }

    /** Returns the value of a per-container counter of the test's container, or -1. */
    private double containerValue(String scrape, String metric) {
        return Metrics.value(scrape, metric + "{container_id=\"" + containerId.substring(0, 12)
                + "\"}");
    }

    /** Returns the sample names of a scrape: metric names plus _sum, _count and _bucket. */
    private static Set<String> sampleNames(String scrape) {
        Set<String> names = new TreeSet<>();
        for (String line : scrape.split("\n")) {
            if (!line.isEmpty() && !line.startsWith("#")) {
                names.add(line.split("[{ ]", 2)[0]);
            }
        }
        return names;
    }

    private static String withGrafanaVariables(String query) {
        return query.replace("$__rate_interval", "1m")
                .replace("$__interval", "1m")
                .replace("$__range", "1h")
                .replaceAll("\\$\\w+", "x");
    }

    private static String unescapeJson(String text) {
        return text.replace("\\\"", "\"").replace("\\\\", "\\");
    }
}
