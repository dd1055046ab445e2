package org.tarsier.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.options;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
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
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.BundleListener;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.Version;
import org.osgi.service.cm.ConfigurationAdmin;
import org.tarsier.api.Topics;
import org.tarsier.api.alert.Alert;
import org.tarsier.api.detector.Detector;
import org.tarsier.api.event.ExecEvent;
import org.tarsier.api.probe.ProbeState;

/**
 * The example third-party detector, copied into a deploy folder of the running agent, starts
 * without a restart and its alerts about a real container reach the exporter's metrics and
 * JSON-lines file; removing its jar uninstalls it, and replacing the jar updates it in place.
 */
@RunWith(PaxExam.class)
public class DropInDetectorTest implements AgentProbe {

    private static final String SYMBOLIC_NAME = "com.example.execfanout";
    private static final String PID = "com.example.execfanout";
    private static final String NAME = "exec-fanout";
    private static final String FILE = "exec-fanout.jar";
    private static final String JSONL_PID = "org.tarsier.output.jsonl";
    /** The JSON-lines file that {@link AgentOptions} configures for every test. */
    private static final Path ALERTS_JSONL = Path.of("target/itest-output/alerts.jsonl");
    private static final Path EXAMPLE_JAR = Path.of(System.getProperty("tarsier.example.jar",
            "../examples/detector-example/target/tarsier-example-detector.jar"));
    /** Eight distinct binaries, more than the maximum of three configured below. */
    private static final String FANOUT_SCRIPT = "for b in true false pwd id uname hostname"
            + " date whoami; do /bin/$b > /dev/null; done; true";
    private static final long DEPLOY_TIMEOUT_MS = 20_000;
    private static final long ALERT_TIMEOUT_MS = 15_000;

    @Inject
    private BundleContext context;

    private DeployFolder deploy;
    private int port;

    @Configuration
    public Option[] config() {
        return options(AgentOptions.agent());
    }

    @Before
    public void setUp() throws Exception {
        Docker.ensureImage();
        port = freePort();
        Services.configure(context, "org.tarsier.exporter",
                Map.of("address", "127.0.0.1", "port", port));
        Services.configure(context, PID, Map.of("binaries.max", 3, "window.seconds", 60,
                "alert.interval.seconds", 0));
        Services.awaitState(Services.probe(context, "process"), ProbeState.LOADED, 30_000);
        // FileInstall may apply the test configuration folder after the agent's outputs start,
        // and until then alerts go to the default JSON-lines path.
        awaitFileConfiguration(JSONL_PID);
        deploy = DeployFolder.create(context);
    }

    @After
    public void tearDown() throws Exception {
        if (deploy != null) {
            deploy.close();
        }
        Services.reset(context, PID);
    }

    @Test
    public void dropInAlertsReachOutputs() throws Exception {
        deploy.copy(EXAMPLE_JAR, FILE);
        awaitActive();
        Services.await(context, Detector.class, "(" + Detector.PROPERTY_NAME + "=" + NAME + ")",
                DEPLOY_TIMEOUT_MS);

        String containerId;
        List<Alert> raised;
        try (Alerts alerts = new Alerts(context, NAME)) {
            containerId = Containers.run("tarsier-itest-fanout", "sh", "-c", FANOUT_SCRIPT);
            raised = alerts.await(a -> a.container().id().equals(containerId), ALERT_TIMEOUT_MS);
        }

        assertEquals("alerts of " + NAME + " about container " + containerId, 1, raised.size());
        Alert alert = raised.get(0);
        assertEquals(4, alert.evidence().get("binaries.distinct"));
        assertTrue("JSON-lines file has no " + NAME + " alert about " + containerId,
                awaitJsonl(containerId));
        String scrape = Metrics.scrape(port);
        assertTrue("no tarsier_alerts_total sample with detector=\"" + NAME + "\" in\n"
                + scrape, alertCount(scrape) >= 1);
        assertTrue("no detector status of " + NAME + " exported",
                scrape.contains("detector=\"" + NAME + "\""));
    }

    /**
     * Config Admin imports org.osgi.service.coordinator optionally. A dropped jar that exports it
     * must not make FileInstall refresh Config Admin, which would stop every bundle that uses it.
     */
    @Test
    public void apiJarLeavesBuiltInsRunning() throws Exception {
        String name = "org.tarsier.itest.coordinator-api";
        Path jar = DeployFolder.exporting(name, "org.osgi.service.coordinator", "1.0.2");
        List<String> stopped = new CopyOnWriteArrayList<>();
        BundleListener listener = event -> {
            if (event.getType() == BundleEvent.STOPPED) {
                stopped.add(event.getBundle().getSymbolicName());
            }
        };
        context.addBundleListener(listener);
        try {
            deploy.copy(jar, "coordinator-api.jar");
            deploy.awaitBundle(name, b -> b != null && b.getState() == Bundle.ACTIVE, "active",
                    DEPLOY_TIMEOUT_MS);
            // FileInstall refreshes right after it installs, so two more polls suffice.
            Thread.sleep(2_500);
        } finally {
            context.removeBundleListener(listener);
        }

        assertEquals("bundles stopped after a jar exporting an optional import arrived",
                List.of(), stopped);
        assertEquals(Bundle.ACTIVE, deploy.bundle("org.apache.felix.configadmin").getState());
    }

    @Test
    public void removedJarUninstallsDetector() throws Exception {
        deploy.copy(EXAMPLE_JAR, FILE);
        awaitActive();
        Services.await(context, Detector.class, "(" + Detector.PROPERTY_NAME + "=" + NAME + ")",
                DEPLOY_TIMEOUT_MS);

        deploy.remove(FILE);
        deploy.awaitBundle(SYMBOLIC_NAME, bundle -> bundle == null, "uninstalled",
                DEPLOY_TIMEOUT_MS);

        ServiceReference<?>[] detectors = context.getServiceReferences(Detector.class.getName(),
                "(" + Detector.PROPERTY_NAME + "=" + NAME + ")");
        assertNull("Detector service of " + NAME + " still registered", detectors);
        try (Alerts alerts = new Alerts(context, NAME);
                Events events = new Events(context, Topics.PROCESS_EXEC)) {
            String containerId = Containers.run("tarsier-itest-fanout", "sh", "-c",
                    FANOUT_SCRIPT);
            // The last binary's exec shows that the container's events were all delivered.
            List<ExecEvent> whoami = events.await(ExecEvent.class,
                    e -> e.container().id().equals(containerId)
                            && e.filename().equals("/bin/whoami"), ALERT_TIMEOUT_MS);
            assertFalse("no exec event of /bin/whoami in " + containerId, whoami.isEmpty());
            Thread.sleep(1_000);
            assertEquals("alerts of the removed detector", List.of(),
                    alerts.matching(a -> a.container().id().equals(containerId)));
        }
    }

    @Test
    public void replacedJarUpdatesInPlace() throws Exception {
        deploy.copy(EXAMPLE_JAR, FILE);
        Bundle first = awaitActive();
        long id = first.getBundleId();
        Version built = first.getVersion();
        Path variant = DeployFolder.withVersion(EXAMPLE_JAR, "0.1.1");

        try {
            deploy.copy(variant, FILE);
            Bundle updated = deploy.awaitBundle(SYMBOLIC_NAME,
                    b -> b != null && b.getVersion().equals(new Version(0, 1, 1))
                            && b.getState() == Bundle.ACTIVE, "active at 0.1.1",
                    DEPLOY_TIMEOUT_MS);

            assertNotEquals("the test's variant has the built version", built,
                    updated.getVersion());
            assertEquals("bundle id after the update", id, updated.getBundleId());
            Services.await(context, Detector.class, "(" + Detector.PROPERTY_NAME + "=" + NAME
                    + ")", DEPLOY_TIMEOUT_MS);
            try (Alerts alerts = new Alerts(context, NAME)) {
                String containerId = Containers.run("tarsier-itest-fanout", "sh", "-c",
                        FANOUT_SCRIPT);
                List<Alert> raised = alerts.await(
                        a -> a.container().id().equals(containerId), ALERT_TIMEOUT_MS);
                assertEquals("alerts about " + containerId, 1, raised.size());
                assertEquals("0.1.1", raised.get(0).evidence().get("detector.version"));
            }
        } finally {
            Files.deleteIfExists(variant);
        }
    }

    private Bundle awaitActive() throws InterruptedException {
        return deploy.awaitBundle(SYMBOLIC_NAME,
                bundle -> bundle != null && bundle.getState() == Bundle.ACTIVE, "active",
                DEPLOY_TIMEOUT_MS);
    }

    private void awaitFileConfiguration(String pid) throws Exception {
        ConfigurationAdmin admin = Services.await(context, ConfigurationAdmin.class, "", 10_000);
        long deadline = System.currentTimeMillis() + DEPLOY_TIMEOUT_MS;
        while (true) {
            org.osgi.service.cm.Configuration[] found =
                    admin.listConfigurations("(service.pid=" + pid + ")");
            if (found != null && found[0].getProperties() != null
                    && found[0].getProperties().get("felix.fileinstall.filename") != null) {
                return;
            }
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("FileInstall did not apply " + pid + ".cfg within "
                        + DEPLOY_TIMEOUT_MS + " ms");
            }
            Thread.sleep(100);
        }
    }

    private static boolean awaitJsonl(String containerId) throws Exception {
        long deadline = System.currentTimeMillis() + ALERT_TIMEOUT_MS;
        while (System.currentTimeMillis() < deadline) {
            if (Files.exists(ALERTS_JSONL)) {
                for (String line : Files.readAllLines(ALERTS_JSONL)) {
                    if (line.contains(containerId) && line.contains("\"" + NAME + "\"")) {
                        return true;
                    }
                }
            }
            Thread.sleep(200);
        }
        return false;
    }

    /** Returns the sum of the {@code tarsier_alerts_total} samples of the example detector. */
    private static double alertCount(String scrape) {
        Pattern sample = Pattern.compile("^tarsier_alerts_total\\{([^}]*)\\} (\\S+)$",
                Pattern.MULTILINE);
        Matcher matcher = sample.matcher(scrape);
        double total = 0;
        while (matcher.find()) {
            if (matcher.group(1).contains("detector=\"" + NAME + "\"")) {
                total += Double.parseDouble(matcher.group(2));
            }
        }
        return total;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
