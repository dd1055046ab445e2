package org.tarsier.exporter.internal.prometheus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.tarsier.api.container.ContainerInfo;
import org.tarsier.api.detector.Score;
import org.tarsier.api.event.EventHeader;
import org.tarsier.api.event.ExecEvent;
import org.tarsier.api.event.FileEvent;
import org.tarsier.api.event.FileOperation;
import org.tarsier.api.event.SyscallCountEvent;
import org.tarsier.api.event.TcpEvent;
import org.tarsier.api.event.TcpOperation;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

class ContainerMetersTest {

    private static final EventHeader HEADER = new EventHeader(1, 2, 3, 3, 1, 0, 0, "sh");
    private static final ContainerInfo WEB = container("a1b2c3d4e5f6a7b8", "web", "nginx:1");
    private static final ContainerInfo DB = container("0011223344556677", "db", "postgres:16");

    private final PrometheusMeterRegistry registry =
            new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final AtomicLong clock = new AtomicLong();
    private final ContainerMeters meters = new ContainerMeters(registry,
            new ContainerMeters.Limits(1, 60), clock::get);

    @Test
    void eventsCountedPerContainer() {
        meters.countEvent(exec(WEB));
        meters.countEvent(exec(WEB));
        meters.countEvent(new SyscallCountEvent(HEADER, WEB, 1_000, Map.of("read", 40L), 40));
        meters.countEvent(connect(WEB, TcpOperation.CONNECT));
        meters.countEvent(connect(WEB, TcpOperation.ACCEPT));
        meters.countEvent(new FileEvent(HEADER, WEB, FileOperation.values()[0], "/etc/x", "", 0,
                0, 0, 0, 0, ""));
        String scrape = registry.scrape();

        assertTrue(scrape.contains("tarsier_container_execs_total{container_id=\"a1b2c3d4e5f6\"}"
                + " 2.0"), scrape);
        assertTrue(scrape.contains(
                "tarsier_container_syscalls_total{container_id=\"a1b2c3d4e5f6\"} 40.0"), scrape);
        assertTrue(scrape.contains(
                "tarsier_container_connects_total{container_id=\"a1b2c3d4e5f6\"} 1.0"), scrape);
        assertTrue(scrape.contains("tarsier_container_file_operations_total"
                + "{container_id=\"a1b2c3d4e5f6\"} 1.0"), scrape);
        assertTrue(scrape.contains("tarsier_container_info{container_id=\"a1b2c3d4e5f6\","
                + "container_name=\"web\",image=\"nginx:1\"} 1"), scrape);
    }

    @Test
    void containersBeyondMaximumCountedAsOverflow() {
        meters.countEvent(exec(WEB));
        meters.countEvent(exec(DB));
        meters.countEvent(exec(ContainerInfo.HOST_INFO));
        String scrape = registry.scrape();

        assertFalse(scrape.contains("container_id=\"001122334455\""), scrape);
        assertTrue(scrape.contains("tarsier_container_overflow_total 1.0"), scrape);
        assertTrue(scrape.contains("tarsier_container_execs_total{container_id=\"host\"} 1.0"),
                scrape);
        assertTrue(scrape.contains("tarsier_containers_tracked 2.0"), scrape);
    }

    @Test
    void stoppedContainerRemovedAfterGrace() {
        meters.countEvent(exec(WEB));
        meters.countEvent(exec(ContainerInfo.HOST_INFO));

        meters.sweep(List.of(WEB));
        assertTrue(registry.scrape().contains("container_id=\"a1b2c3d4e5f6\""));

        clock.addAndGet(TimeUnit.SECONDS.toNanos(ContainerMeters.GRACE_SECONDS));
        meters.sweep(List.of());
        String scrape = registry.scrape();
        assertFalse(scrape.contains("container_id=\"a1b2c3d4e5f6\""), scrape);
        assertTrue(scrape.contains("container_id=\"host\""), scrape);
    }

    @Test
    void removedContainerFreesSlot() {
        meters.countEvent(exec(WEB));
        clock.addAndGet(TimeUnit.SECONDS.toNanos(ContainerMeters.GRACE_SECONDS));
        meters.sweep(List.of());

        meters.countEvent(exec(DB));

        assertTrue(registry.scrape().contains(
                "tarsier_container_execs_total{container_id=\"001122334455\"} 1.0"));
    }

    @Test
    void idleContainerRemovedWithoutResolver() {
        meters.countEvent(exec(WEB));
        clock.addAndGet(TimeUnit.SECONDS.toNanos(59));
        meters.sweep(null);
        assertTrue(registry.scrape().contains("container_id=\"a1b2c3d4e5f6\""));

        clock.addAndGet(TimeUnit.SECONDS.toNanos(1));
        meters.sweep(null);
        assertFalse(registry.scrape().contains("container_id=\"a1b2c3d4e5f6\""));
    }

    @Test
    void infoReplacedWhenNameBecomesKnown() {
        meters.countEvent(exec(ContainerInfo.ofId("docker", "a1b2c3d4e5f6a7b8")));
        meters.countEvent(exec(WEB));
        String scrape = registry.scrape();

        assertTrue(scrape.contains("container_name=\"web\""), scrape);
        assertFalse(scrape.contains("container_name=\"\""), scrape);
    }

    @Test
    void scoresExportedPerDetectorModelAndContainer() {
        meters.recordScore(new Score("iforest", "nginx:1", WEB, Instant.EPOCH, 0.75, 0.6));
        meters.recordScore(new Score("iforest", "nginx:1", WEB, Instant.EPOCH, 0.25, 0.6));
        String scrape = registry.scrape();

        assertTrue(scrape.contains("tarsier_detector_score{container_id=\"a1b2c3d4e5f6\","
                + "detector=\"iforest\",model=\"nginx:1\"} 0.25"), scrape);
        assertTrue(scrape.contains("tarsier_detector_score_threshold{container_id="
                + "\"a1b2c3d4e5f6\",detector=\"iforest\",model=\"nginx:1\"} 0.6"), scrape);
    }

    @Test
    void scoresRemovedWithContainer() {
        meters.recordScore(new Score("iforest", "nginx:1", WEB, Instant.EPOCH, 0.75, 0.6));
        clock.addAndGet(TimeUnit.SECONDS.toNanos(ContainerMeters.GRACE_SECONDS));
        meters.sweep(List.of());

        assertFalse(registry.scrape().contains("tarsier_detector_score{"));
    }

    @Test
    void scoreSeriesPerContainerBounded() {
        for (int i = 0; i <= ContainerMeters.MAX_SCORES_PER_CONTAINER; i++) {
            meters.recordScore(new Score("stats", "metric" + i, WEB, Instant.EPOCH, 1, 2));
        }
        String scrape = registry.scrape();

        long series = scrape.lines().filter(l -> l.startsWith("tarsier_detector_score{")).count();
        assertEquals(ContainerMeters.MAX_SCORES_PER_CONTAINER, series);
        assertTrue(scrape.contains("tarsier_container_overflow_total 1.0"), scrape);
    }

    private static ContainerInfo container(String id, String name, String image) {
        return new ContainerInfo("docker", id, name, image, Map.of(), "", "", "");
    }

    private static ExecEvent exec(ContainerInfo container) {
        return new ExecEvent(HEADER, container, "/bin/sh", List.of("sh"), false, "/", "");
    }

    private static TcpEvent connect(ContainerInfo container, TcpOperation operation) {
        return new TcpEvent(HEADER, container, operation, 4, "10.0.0.2", 40000, "10.0.0.3", 80,
                0, "", "", "", 0, 0, 0);
    }
}
