package org.tarsier.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.options;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import javax.inject.Inject;

import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.osgi.framework.BundleContext;
import org.tarsier.api.alert.Alert;
import org.tarsier.api.detector.Detector;
import org.tarsier.api.probe.ProbeState;

/**
 * The iforest detector learns a busybox container's normal workload, then each anomaly injected
 * into the container with docker exec raises an {@code iforest} alert for a window that ends
 * within two windows of the injection's start.
 */
@RunWith(PaxExam.class)
public class IForestInContainerTest implements AgentProbe {

    private static final String PID = "org.tarsier.detector.iforest";
    private static final Duration WINDOW = Duration.ofSeconds(5);
    /** Time after a window's end until its alert is posted: the extractor's lateness plus slack. */
    private static final Duration POSTING_DELAY = Duration.ofSeconds(5);
    private static final long LEARNING_SECONDS = 120;
    private static final int NORMAL_WINDOWS_CHECKED = 6;
    private static final int MAX_NORMAL_ALERTS = 2;

    private static final String NORMAL_LOOP = "mkdir -p /tmp/www && echo ok >/tmp/www/index.html"
            + " && httpd -p 127.0.0.1:8080 -h /tmp/www; while true; do"
            + " wget -q -O /dev/null http://127.0.0.1:8080/ || true; cat /etc/passwd >/dev/null;"
            + " sh -c 'echo tick >>/tmp/app.log'; sleep 1; done";

    private static final Map<String, String> ANOMALIES = anomalies();

    @Inject
    private BundleContext context;

    private Alerts alerts;
    private String containerId;

    @Configuration
    public Option[] config() {
        return options(AgentOptions.agent());
    }

    @Before
    public void agentReady() throws Exception {
        for (String probe : List.of("process", "syscall", "tcp", "file")) {
            Services.awaitState(Services.probe(context, probe), ProbeState.LOADED, 30_000);
        }
        Path models = Files.createTempDirectory(
                Files.createDirectories(Path.of("target")), "iforest-models").toAbsolutePath();
        Services.configure(context, PID, Map.of(
                "learning.period.s", LEARNING_SECONDS,
                "min.training.windows", 12,
                "retrain.interval.s", 0L,
                "model.dir", models.toString()));
        Docker.ensureImage();
        alerts = new Alerts(context, "iforest");
    }

    @After
    public void cleanUp() throws Exception {
        alerts.close();
        if (containerId != null) {
            Docker.run(List.of("docker", "rm", "-f", containerId), 60);
        }
        Services.reset(context, PID);
    }

    @Test
    public void injectedAnomaliesRaiseAlerts() throws Exception {
        Detector detector = Services.await(context, Detector.class,
                "(" + Detector.PROPERTY_NAME + "=iforest)", 30_000);
        containerId = startContainer();
        awaitTrainedModel(detector, Duration.ofSeconds(LEARNING_SECONDS + 120));

        Instant normalStart = Instant.now();
        Thread.sleep(WINDOW.multipliedBy(NORMAL_WINDOWS_CHECKED).plus(POSTING_DELAY).toMillis());
        List<Alert> normalAlerts = alerts.matching(a -> a.container().id().equals(containerId)
                && a.time().isAfter(normalStart));

        Map<String, String> missed = new LinkedHashMap<>();
        for (Map.Entry<String, String> anomaly : ANOMALIES.entrySet()) {
            String outcome = inject(anomaly.getKey(), anomaly.getValue());
            if (outcome != null) {
                missed.put(anomaly.getKey(), outcome);
            }
            Thread.sleep(WINDOW.multipliedBy(3).toMillis());
        }

        assertEquals("anomalies without an iforest alert within two windows", Map.of(), missed);
        assertTrue("alerts in " + NORMAL_WINDOWS_CHECKED + " normal windows: "
                + normalAlerts.stream().map(Alert::message).toList(),
                normalAlerts.size() <= MAX_NORMAL_ALERTS);
    }

    /** Runs the anomaly and returns null if it raised an alert in time, else what was seen. */
    private String inject(String kind, String script) throws Exception {
        Instant start = Instant.now();
        Process process = new ProcessBuilder("docker", "exec", containerId, "sh", "-c", script)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        Instant deadline = start.plus(WINDOW.multipliedBy(2));
        List<Alert> hits = alerts.await(a -> a.container().id().equals(containerId)
                && a.time().isAfter(start), WINDOW.multipliedBy(2).plus(POSTING_DELAY).toMillis());
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
        if (hits.isEmpty()) {
            return "no alert";
        }
        Alert first = hits.get(0);
        if (first.time().isAfter(deadline)) {
            return "first alert for the window ending " + first.time() + ", started " + start;
        }
        return null;
    }

    private String startContainer() throws Exception {
        Docker.Result result = Docker.run(List.of("docker", "run", "-d", "--network", "none",
                "--label", Docker.LABEL, "--name", "tarsier-itest-iforest-" + System.nanoTime(),
                Docker.IMAGE, "sh", "-c", NORMAL_LOOP), 60);
        assertEquals("docker run: " + result.stderr(), 0, result.exitCode());
        return result.stdout().trim();
    }

    private static void awaitTrainedModel(Detector detector, Duration timeout)
            throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (detector.status().gauges().getOrDefault("models_trained", 0.0) < 1) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("no iforest model trained within " + timeout
                        + "; status " + detector.status());
            }
            Thread.sleep(1_000);
        }
    }

    private static Map<String, String> anomalies() {
        Map<String, String> anomalies = new LinkedHashMap<>();
        anomalies.put("cpu burn", "timeout 12 sh -c 'while :; do :; done'");
        anomalies.put("fork burst", "i=0; while [ $i -lt 600 ]; do (:); i=$((i+1)); done");
        anomalies.put("port scan", "for p in $(seq 1 300); do nc -w 1 127.0.0.1 $p </dev/null;"
                + " done");
        anomalies.put("file write burst", "i=0; while [ $i -lt 2000 ]; do echo x >/tmp/b$i;"
                + " i=$((i+1)); done");
        anomalies.put("unusual exec", "id; uname -a; ps; hostname; mount; df; netstat -tln;"
                + " ifconfig; free");
        anomalies.put("connection burst", "for i in $(seq 1 300); do"
                + " wget -q -O /dev/null http://127.0.0.1:8080/; done");
        return anomalies;
    }
}
