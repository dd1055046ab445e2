package org.tarsier.itest;

import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.options;

import java.util.List;
import java.util.Map;

import javax.inject.Inject;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.osgi.framework.BundleContext;
import org.tarsier.api.probe.ProbeState;

/** The Prometheus endpoint counts the events the real probe delivers. */
@RunWith(PaxExam.class)
public class ExporterTest implements AgentProbe {

    private static final int PORT = 19464;
    private static final String EXECS = "tarsier_events_total{probe=\"process\",type=\"EXEC\"}";

    @Inject
    private BundleContext context;

    @Configuration
    public Option[] config() {
        return options(AgentOptions.agent());
    }

    @Test
    public void execCounterRises() throws Exception {
        Services.configure(context, "org.tarsier.exporter",
                Map.of("address", "127.0.0.1", "port", PORT));
        Services.awaitState(Services.probe(context, "process"), ProbeState.LOADED, 30_000);
        // The counter appears with the first exec event; absent counts as zero.
        double before = Math.max(0, Metrics.value(Metrics.awaitScrape(PORT, 10_000), EXECS));

        for (int i = 0; i < 5; i++) {
            Docker.run(List.of("/bin/true"), 10);
        }
        Thread.sleep(500);
        String scrape = Metrics.scrape(PORT);

        assertTrue(EXECS + " rose from " + before + " to " + Metrics.value(scrape, EXECS),
                Metrics.value(scrape, EXECS) >= before + 5);
        assertTrue("probe state missing",
                scrape.contains("tarsier_probe_loaded{probe=\"process\"} 1.0"));
        assertTrue("ring-buffer drops missing", Metrics.value(scrape,
                "tarsier_events_dropped_total{probe=\"process\",reason=\"ringbuf\"}") >= 0);
        assertTrue("JVM metrics missing", scrape.contains("jvm_memory_used_bytes"));
        assertTrue("process metrics missing", scrape.contains("process_cpu_usage"));
    }
}
