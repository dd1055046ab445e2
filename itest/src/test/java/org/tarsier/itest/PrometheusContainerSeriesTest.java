package org.tarsier.itest;

import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.options;

import java.util.Map;

import javax.inject.Inject;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.osgi.framework.BundleContext;
import org.tarsier.api.probe.ProbeState;

/**
 * The per-container series of a real container appear with its first exec and are removed from
 * the scrape once the container has exited and the grace period has passed.
 */
@RunWith(PaxExam.class)
public class PrometheusContainerSeriesTest implements AgentProbe {

    /** The exporter's grace period of 15 s, plus time for the resolver to see the exit. */
    private static final long REMOVAL_TIMEOUT_MILLIS = 45_000;

    @Inject
    private BundleContext context;

    @Configuration
    public Option[] config() {
        return options(AgentOptions.agent());
    }

    @Test
    public void seriesRemovedAfterContainerExits() throws Exception {
        Services.awaitState(Services.probe(context, "process"), ProbeState.LOADED, 30_000);
        int port = ExternalServer.freePort();
        Services.configure(context, "org.tarsier.exporter",
                Map.of("address", "127.0.0.1", "port", port));
        Metrics.awaitScrape(port, 10_000);
        Docker.ensureImage();

        String id = Containers.run("tarsier-itest-series", "true");
        String execs = "tarsier_container_execs_total{container_id=\"" + id.substring(0, 12)
                + "\"}";
        String label = "container_id=\"" + id.substring(0, 12) + "\"";

        assertTrue(execs + " missing", awaitValue(port, execs, true, 10_000));
        assertTrue(label + " still exported after the container exited",
                awaitValue(port, execs, false, REMOVAL_TIMEOUT_MILLIS));
        assertFalse(label + " still in the scrape", Metrics.scrape(port).contains(label));
    }

    /** Waits until the sample is present, or absent, and returns whether that happened. */
    private static boolean awaitValue(int port, String sample, boolean present,
            long timeoutMillis) throws Exception {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (System.currentTimeMillis() < deadline) {
            boolean found = Metrics.value(Metrics.scrape(port), sample) >= 0;
            if (found == present) {
                return true;
            }
            Thread.sleep(500);
        }
        return false;
    }
}
