package org.tarsier.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.options;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.inject.Inject;

import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.osgi.framework.BundleContext;
import org.osgi.service.event.EventAdmin;
import org.tarsier.api.Topics;
import org.tarsier.api.alert.Alert;
import org.tarsier.api.alert.Priority;
import org.tarsier.api.container.ContainerInfo;

/**
 * Debian's Alertmanager receives the agent's alerts through its v2 API. While it is stopped,
 * alerts wait in the output's bounded queue and are sent once it runs again. Alerts beyond the
 * bound are dropped and counted, and the metrics endpoint keeps serving scrapes.
 */
@RunWith(PaxExam.class)
public class AlertmanagerOutputTest implements AgentProbe {

    private static final String ALERTMANAGER = "/usr/bin/prometheus-alertmanager";
    private static final String OUTPUT_PID = "org.tarsier.output.alertmanager";
    private static final String DETECTOR = "itest";
    private static final int QUEUE_CAPACITY = 20;
    private static final String DROPPED =
            "tarsier_output_dropped_total{output=\"alertmanager\"}";
    private static final String WRITTEN =
            "tarsier_output_written_total{output=\"alertmanager\"}";
    private static final Pattern ALERTNAME = Pattern.compile("\"alertname\":\"([^\"]*)\"");

    @Inject
    private BundleContext context;

    private Path dir;
    private int metricsPort;
    private ExternalServer alertmanager;
    private final String run = UUID.randomUUID().toString().substring(0, 8);

    @Configuration
    public Option[] config() {
        return options(AgentOptions.agent());
    }

    @Before
    public void startAlertmanager() throws Exception {
        ExternalServer.requireBinary(ALERTMANAGER, "prometheus-alertmanager");
        dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "alertmanager");
        Files.writeString(dir.resolve("alertmanager.yml"),
                "route:\n  receiver: none\nreceivers:\n  - name: none\n");
        alertmanager = newAlertmanager(ExternalServer.freePort());
        alertmanager.start("/-/ready", 60_000);

        metricsPort = ExternalServer.freePort();
        Services.configure(context, "org.tarsier.exporter",
                Map.of("address", "127.0.0.1", "port", metricsPort));
        Metrics.awaitScrape(metricsPort, 10_000);
        Map<String, Object> output = new HashMap<>();
        output.put("enabled", "true");
        output.put("url", "http://127.0.0.1:" + alertmanager.port());
        output.put("queue.capacity", String.valueOf(QUEUE_CAPACITY));
        output.put("retry.initial.ms", "100");
        output.put("retry.max.ms", "500");
        Services.configure(context, OUTPUT_PID, output);
        awaitSample(WRITTEN, 0, 10_000);
    }

    @After
    public void stopAlertmanager() throws Exception {
        Services.reset(context, OUTPUT_PID);
        if (alertmanager != null) {
            alertmanager.close();
        }
    }

    @Test
    public void alertsReachAlertmanager() throws Exception {
        post("delivered 1");
        post("delivered 2");

        List<String> names = awaitAlertnames(2, 15_000);

        assertTrue(names.toString(), names.contains(name("delivered 1")));
        assertTrue(names.toString(), names.contains(name("delivered 2")));
        String body = alertmanager.get("/api/v2/alerts").body();
        assertTrue(body, body.contains("\"detector\":\"" + DETECTOR + "\""));
        assertTrue(body, body.contains("\"severity\":\"critical\""));
        assertTrue(body, body.contains("\"container_name\":\"itest-web\""));
    }

    @Test
    public void alertsQueuedWhileAlertmanagerDown() throws Exception {
        int port = alertmanager.port();
        alertmanager.close();

        // The first alert becomes the batch that the output retries; the next ones queue.
        post("outage 0");
        Thread.sleep(2_000);
        int posted = QUEUE_CAPACITY + 5;
        for (int i = 1; i <= posted; i++) {
            post("outage " + i);
        }
        double dropped = awaitSample(DROPPED, 5, 10_000);
        assertEquals(5, dropped, 0);
        Thread.sleep(2_000);
        assertEquals("metrics endpoint stopped answering during the outage", 5,
                Metrics.value(Metrics.scrape(metricsPort), DROPPED), 0);

        alertmanager = newAlertmanager(port);
        alertmanager.start("/-/ready", 60_000);
        List<String> names = awaitAlertnames(QUEUE_CAPACITY + 1, 30_000);

        assertEquals(names.toString(), QUEUE_CAPACITY + 1, names.size());
        for (int i = 0; i <= QUEUE_CAPACITY; i++) {
            assertTrue(name("outage " + i) + " missing from " + names,
                    names.contains(name("outage " + i)));
        }
        assertEquals(QUEUE_CAPACITY + 1,
                Metrics.value(Metrics.scrape(metricsPort), WRITTEN), 0);
        assertEquals(5, Metrics.value(Metrics.scrape(metricsPort), DROPPED), 0);
    }

    private ExternalServer newAlertmanager(int port) {
        return new ExternalServer("alertmanager", List.of(ALERTMANAGER,
                "--config.file=" + dir.resolve("alertmanager.yml"),
                "--storage.path=" + dir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port,
                "--cluster.listen-address="), dir.resolve("alertmanager.log"), port);
    }

    private void post(String rule) throws Exception {
        EventAdmin events = Services.await(context, EventAdmin.class, "", 10_000);
        ContainerInfo container = new ContainerInfo("docker", "0123456789ab" + "cdef".repeat(13),
                "itest-web", "tarsier/busybox:dev", Map.of(), "", "", "");
        Alert alert = new Alert(UUID.randomUUID().toString(), Instant.now(), DETECTOR,
                name(rule), Priority.CRITICAL, "test alert " + rule, Map.of(), List.of(),
                Map.of(), container);
        events.postEvent(new org.osgi.service.event.Event(Topics.alertTopic(DETECTOR),
                Map.of(Topics.PROPERTY_ALERT, alert)));
    }

    /** Returns a rule name unique to this run, so alerts of other runs do not count. */
    private String name(String rule) {
        return "itest " + run + " " + rule;
    }

    /** Waits until Alertmanager lists {@code count} alerts of this run, and returns their names. */
    private List<String> awaitAlertnames(int count, long timeoutMillis) throws Exception {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (true) {
            Matcher matcher = ALERTNAME.matcher(alertmanager.get("/api/v2/alerts").body());
            List<String> names = matcher.results().map(m -> m.group(1))
                    .filter(n -> n.startsWith("itest " + run)).toList();
            if (names.size() >= count || System.currentTimeMillis() > deadline) {
                return names;
            }
            Thread.sleep(200);
        }
    }

    /** Waits until the sample's value reaches {@code minimum}, and returns the value. */
    private double awaitSample(String sample, double minimum, long timeoutMillis)
            throws Exception {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (true) {
            double value = Metrics.value(Metrics.scrape(metricsPort), sample);
            if (value >= minimum || System.currentTimeMillis() > deadline) {
                return value;
            }
            Thread.sleep(200);
        }
    }
}
