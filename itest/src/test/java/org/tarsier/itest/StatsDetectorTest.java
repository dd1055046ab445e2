package org.tarsier.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.options;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;

import javax.inject.Inject;

import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.osgi.framework.BundleContext;
import org.tarsier.api.Topics;
import org.tarsier.api.alert.Alert;
import org.tarsier.api.detector.Detector;
import org.tarsier.api.detector.DetectorStatus;
import org.tarsier.api.detector.Score;
import org.tarsier.api.feature.FeatureWindow;
import org.tarsier.api.probe.ProbeState;

/**
 * The feature extractor and the statistical detector against a real container: a steady
 * workload of execs, file writes and loopback HTTP requests is learnt with 1 s windows, raises
 * no alert while it runs alone, and each injected anomaly raises a {@code stats} alert on one of
 * the features it drives, for the window in which it started or the next one.
 */
@RunWith(PaxExam.class)
public class StatsDetectorTest implements AgentProbe {

    private static final long WINDOW_MILLIS = 1_000;
    private static final int WARMUP_WINDOWS = 10;
    private static final long NORMAL_PERIOD_MILLIS = 45_000;
    /** Maximum wait for an alert: three windows, the extractor's lateness (1.5 s) and 4 s. */
    private static final long ALERT_TIMEOUT_MILLIS = 3 * WINDOW_MILLIS + 1_500 + 4_000;

    /** About four loops a second, each with four execs, a few file writes and an HTTP request. */
    private static final String NORMAL_WORKLOAD = "mkdir -p /www; echo ok > /www/index.html;"
            + " httpd -f -p 127.0.0.1:8080 -h /www &"
            + " while true; do date > /tmp/normal.log; cat /tmp/normal.log > /dev/null;"
            + " wget -q -O /dev/null http://127.0.0.1:8080/index.html; sleep 0.2; done";

    /**
     * Anomalies, each started with docker exec. The image's busybox shell runs its applets
     * through /proc/self/exe, so the workload's execs all have that file name and only the
     * unusual exec, by absolute path, runs a file the container never ran.
     */
    private static final List<Anomaly> ANOMALIES = List.of(
            Anomaly.script("CPU burn", "sh -c 'while :; do :; done' & b=$!; sleep 3; kill $b",
                    "cpu_user_ms"),
            Anomaly.script("fork burst",
                    "sleep 3 & s=$!; while kill -0 $s 2>/dev/null; do (:); done",
                    "forks", "exits"),
            // Busybox 1.35 wget crashes with -T, so the scan relies on refused connections.
            Anomaly.script("port scan", "p=20000; while [ $p -lt 20200 ]; do"
                    + " wget -q -O /dev/null http://127.0.0.1:$p/ 2>/dev/null;"
                    + " p=$((p+1)); done",
                    "tcp_connects_failed", "tcp_remote_ports_distinct"),
            Anomaly.script("file write burst", "sleep 3 & s=$!; i=0;"
                    + " while kill -0 $s 2>/dev/null; do echo x > /tmp/burst.$((i % 500));"
                    + " i=$((i+1)); done",
                    "file_writes", "file_opens", "file_paths_written_distinct"),
            new Anomaly("unusual exec", List.of("/bin/uname", "-a"),
                    Set.of("exec_binaries_new")),
            Anomaly.script("connection burst", "sleep 3 & s=$!; while kill -0 $s 2>/dev/null;"
                    + " do wget -q -O /dev/null http://127.0.0.1:8080/index.html; done",
                    "tcp_connects", "tcp_accepts", "tcp_closes"));

    @Inject
    private BundleContext context;

    private Alerts alerts;
    private Posted<FeatureWindow> windows;
    private Posted<Score> scores;
    private String containerId;
    /** A tag of the test image for this test alone, so no other container shares its baseline. */
    private final String image = "tarsier/busybox:stats-itest-" + System.nanoTime();

    @Configuration
    public Option[] config() {
        return options(AgentOptions.agent());
    }

    @Before
    public void agentReady() throws Exception {
        for (String probe : List.of("process", "syscall", "file", "tcp")) {
            Services.awaitState(Services.probe(context, probe), ProbeState.LOADED, 30_000);
        }
        Services.await(context, Detector.class, "(" + Detector.PROPERTY_NAME + "=stats)",
                30_000);
        Docker.ensureImage();
        Docker.Result tag = Docker.run(List.of("docker", "tag", Docker.IMAGE, image), 30);
        assertEquals("docker tag failed: " + tag.stderr(), 0, tag.exitCode());
        Services.configure(context, "org.tarsier.features", Map.of("window.ms", WINDOW_MILLIS));
        Services.configure(context, "org.tarsier.detector.stats", Map.of(
                "warmup.windows", WARMUP_WINDOWS, "history.windows", 60,
                "alert.interval.ms", 0L));
        alerts = new Alerts(context, "stats");
        windows = new Posted<>(context, Topics.FEATURE_WINDOW, Topics.PROPERTY_FEATURES,
                FeatureWindow.class);
        scores = new Posted<>(context, Topics.scoreTopic("stats"), Topics.PROPERTY_SCORE,
                Score.class);
    }

    @After
    public void cleanUp() throws Exception {
        alerts.close();
        windows.close();
        scores.close();
        if (containerId != null) {
            Docker.run(List.of("docker", "rm", "-f", containerId), 60);
        }
        Docker.run(List.of("docker", "rmi", image), 60);
        Services.reset(context, "org.tarsier.features");
        Services.reset(context, "org.tarsier.detector.stats");
    }

    @Test
    public void anomaliesRaiseStatsAlerts() throws Exception {
        containerId = startNormalWorkload();
        List<Score> learnt = scores.await(s -> s.container().id().equals(containerId),
                (WARMUP_WINDOWS + 20) * WINDOW_MILLIS);
        assertFalse("no score for container " + containerId + " after the warm-up",
                learnt.isEmpty());

        Thread.sleep(NORMAL_PERIOD_MILLIS);
        List<Alert> normalAlerts = alerts.matching(this::inContainer);
        List<Result> results = new ArrayList<>();
        for (Anomaly anomaly : ANOMALIES) {
            results.add(inject(anomaly));
        }

        assertEquals("alerts of the normal workload alone in "
                + NORMAL_PERIOD_MILLIS / 1000 + " s", List.of(), normalAlerts);
        for (Result result : results) {
            assertTrue(result.anomaly().name() + ": no alert naming " + result.anomaly().features()
                    + "; all results: " + results, result.alert() != null);
            assertTrue(result.anomaly().name() + ": alert for a window starting "
                    + result.windowStart() + ", more than one window after the start at "
                    + result.started() + "; all results: " + results, result.inTime());
        }
        assertWindowsDescribeContainer();
        assertStatusCountsContainer();
    }

    private Result inject(Anomaly anomaly) throws Exception {
        long before = System.currentTimeMillis();
        List<String> command = new ArrayList<>(List.of("docker", "exec", "-d", containerId));
        command.addAll(anomaly.command());
        Docker.Result exec = Docker.run(command, 30);
        long started = System.currentTimeMillis();
        assertEquals(anomaly.name() + ": docker exec failed: " + exec.stderr(), 0,
                exec.exitCode());
        long firstWindow = before / WINDOW_MILLIS * WINDOW_MILLIS;

        List<Alert> raised = alerts.await(alert -> inContainer(alert)
                && !Collections.disjoint(anomaly.features(), alertedFeatures(alert))
                && windowStart(alert) >= firstWindow, ALERT_TIMEOUT_MILLIS);

        // Let the anomaly end and the features return to normal before the next one.
        Thread.sleep(Math.max(0, before + 8_000 - System.currentTimeMillis()));
        Alert alert = raised.isEmpty() ? null : raised.get(0);
        long latestWindow = started / WINDOW_MILLIS * WINDOW_MILLIS + WINDOW_MILLIS;
        boolean inTime = alert != null && windowStart(alert) <= latestWindow;
        return new Result(anomaly, alert, Instant.ofEpochMilli(started),
                alert == null ? null : Instant.ofEpochMilli(windowStart(alert)), inTime);
    }

    private void assertWindowsDescribeContainer() {
        List<FeatureWindow> own = windows.matching(w -> w.container().id().equals(containerId));
        assertFalse("no feature window of container " + containerId, own.isEmpty());
        FeatureWindow last = own.get(own.size() - 1);
        assertEquals("window length", WINDOW_MILLIS,
                last.end().toEpochMilli() - last.start().toEpochMilli());
        assertTrue("no exec counted in any window",
                own.stream().anyMatch(w -> w.value("execs") > 0));
        assertTrue("no accepted connection counted in any window",
                own.stream().anyMatch(w -> w.value("tcp_accepts") > 0));
        assertTrue("no syscall counted in any window",
                own.stream().anyMatch(w -> w.value("syscalls_total") > 0));
    }

    private void assertStatusCountsContainer() throws Exception {
        Detector detector = Services.await(context, Detector.class,
                "(" + Detector.PROPERTY_NAME + "=stats)", 10_000);
        DetectorStatus status = detector.status();
        assertTrue("containers_tracked " + status.gauges(),
                status.gauges().get("containers_tracked") >= 1);
        assertTrue("baselines_warm " + status.gauges(),
                status.gauges().get("baselines_warm") >= 1);
    }

    private String startNormalWorkload() throws Exception {
        String name = "tarsier-itest-stats-" + System.nanoTime();
        Docker.Result result = Docker.run(List.of("docker", "run", "-d", "--rm", "--network",
                "none", "--label", Docker.LABEL, "--name", name, image, "sh", "-c",
                NORMAL_WORKLOAD), 60);
        assertEquals("docker run failed: " + result.stderr(), 0, result.exitCode());
        return result.stdout().trim();
    }

    private boolean inContainer(Alert alert) {
        return alert.container().id().equals(containerId);
    }

    private static Set<?> alertedFeatures(Alert alert) {
        return alert.evidence().get("features") instanceof Map<?, ?> scores
                ? scores.keySet() : Set.of();
    }

    private static long windowStart(Alert alert) {
        return Instant.parse(alert.evidence().get("window.start").toString()).toEpochMilli();
    }

    private record Anomaly(String name, List<String> command, Set<String> features) {

        static Anomaly script(String name, String script, String... features) {
            return new Anomaly(name, List.of("sh", "-c", script), Set.of(features));
        }
    }

    private record Result(Anomaly anomaly, Alert alert, Instant started, Instant windowStart,
            boolean inTime) {

        @Override
        public String toString() {
            return anomaly.name() + (alert == null ? " missed" : " -> " + alert.rule()
                    + " score " + alert.evidence().get("score") + " window " + windowStart
                    + (inTime ? "" : " (late)"));
        }
    }
}
