package org.tarsier.features.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tarsier.features.internal.TestEvents.SECOND;

import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.tarsier.api.container.ContainerInfo;
import org.tarsier.api.event.EventHeader;
import org.tarsier.api.event.ExecEvent;
import org.tarsier.api.event.FileOperation;
import org.tarsier.api.event.TcpOperation;
import org.tarsier.api.feature.FeatureWindow;

class FeatureAccumulatorTest {

    /** 1000 s after the epoch: window boundaries fall on whole seconds for 1 s windows. */
    private static final long T0 = 1_000 * SECOND;
    private static final long LATENESS = 500_000_000L;

    private final TestEvents web = new TestEvents("a1", "web:1", 11);
    private final FeatureAccumulator accumulator = new FeatureAccumulator(settings(1), T0 - 1);

    @Test
    void processEventsCounted() {
        accept(web.exec(T0 + 1, 10, "/bin/sh"));
        accept(web.fork(T0 + 2, 10, 11));
        accept(web.thread(T0 + 3, 10, 12));
        accept(web.exec(T0 + 4, 11, "/bin/date"));
        accept(web.exec(T0 + 5, 11, "/bin/date"));
        accept(web.exit(T0 + 6, 11, 1, 0));
        accept(web.fork(T0 + 7, 10, 13));
        accept(web.exit(T0 + 8, 13, 0, 9));

        FeatureWindow window = single(close(T0 + SECOND + LATENESS));

        assertEquals(3.0, window.value("execs"));
        assertEquals(2.0, window.value("exec_binaries_distinct"));
        assertEquals(2.0, window.value("exec_binaries_new"));
        assertEquals(2.0, window.value("forks"));
        assertEquals(1.0, window.value("threads_created"));
        assertEquals(2.0, window.value("exits"));
        assertEquals(1.0, window.value("exits_failed"));
        assertEquals(1.0, window.value("exits_signaled"));
        assertEquals(1.0, window.value("processes_live"));
    }

    @Test
    void fileEventsCounted() {
        int writeOnly = 01;
        accept(web.file(T0 + 1, FileOperation.OPEN, "/tmp/a", writeOnly, 3));
        accept(web.file(T0 + 2, FileOperation.OPEN, "/tmp/a", writeOnly, 3));
        accept(web.file(T0 + 3, FileOperation.OPEN, "/etc/passwd", writeOnly, 3));
        accept(web.file(T0 + 4, FileOperation.OPEN, "/etc/shadow", 0, -13));
        accept(web.file(T0 + 5, FileOperation.UNLINK, "/tmp/b", 0, 0));
        accept(web.file(T0 + 6, FileOperation.RENAME, "/tmp/c", 0, 0));
        accept(web.file(T0 + 7, FileOperation.CHMOD, "/tmp/c", 0, 0));
        accept(web.file(T0 + 8, FileOperation.SYMLINK, "/tmp/d", 0, 0));

        FeatureWindow window = single(close(T0 + SECOND + LATENESS));

        assertEquals(4.0, window.value("file_opens"));
        assertEquals(3.0, window.value("file_writes"));
        assertEquals(1.0, window.value("file_unlinks"));
        assertEquals(1.0, window.value("file_renames"));
        assertEquals(1.0, window.value("file_chmods"));
        assertEquals(1.0, window.value("file_links"));
        assertEquals(1.0, window.value("file_failed"));
        assertEquals(5.0, window.value("file_paths_written_distinct"));
        assertEquals(1.0, window.value("file_writes_system"));
    }

    @Test
    void tcpEventsCounted() {
        accept(web.connect(T0 + 1, "127.0.0.1", 80, 0));
        accept(web.connect(T0 + 2, "127.0.0.1", 81, -111));
        accept(web.connect(T0 + 3, "10.0.0.2", 81, -111));
        accept(web.tcp(T0 + 4, TcpOperation.ACCEPT, "10.0.0.3", 0, 0));
        accept(web.tcp(T0 + 5, TcpOperation.LISTEN, "", 0, 0));
        accept(web.tcp(T0 + 6, TcpOperation.CLOSE, "10.0.0.3", 100, 2000));

        FeatureWindow window = single(close(T0 + SECOND + LATENESS));

        assertEquals(3.0, window.value("tcp_connects"));
        assertEquals(2.0, window.value("tcp_connects_failed"));
        assertEquals(2.0, window.value("tcp_remote_addresses_distinct"));
        assertEquals(2.0, window.value("tcp_remote_ports_distinct"));
        assertEquals(1.0, window.value("tcp_accepts"));
        assertEquals(1.0, window.value("tcp_accept_peers_distinct"));
        assertEquals(1.0, window.value("tcp_listens"));
        assertEquals(1.0, window.value("tcp_closes"));
        assertEquals(100.0, window.value("tcp_bytes_sent"));
        assertEquals(2000.0, window.value("tcp_bytes_received"));
    }

    @Test
    void syscallCountsSplitAcrossWindows() {
        long end = T0 + SECOND + SECOND / 4;
        accept(web.counts(end, SECOND, Map.of("read", 400L, "nanosleep", 100L, "ptrace", 4L)));

        List<FeatureWindow> windows = close(T0 + 2 * SECOND + LATENESS);

        assertEquals(2, windows.size());
        FeatureWindow first = windows.get(0);
        FeatureWindow second = windows.get(1);
        assertEquals(378.0, first.value("syscalls_total"));
        assertEquals(300.0, first.value("syscall_read"));
        assertEquals(300.0, first.value("syscalls_file"));
        assertEquals(75.0, first.value("syscalls_time"));
        assertEquals(3.0, first.value("syscalls_process"));
        assertEquals(3.0, first.value("syscalls_distinct"));
        assertEquals(126.0, second.value("syscalls_total"));
        assertEquals(100.0, second.value("syscall_read"));
    }

    @Test
    void windowWaitsForLateness() {
        accept(web.exec(T0 + 1, 10, "/bin/sh"));

        assertEquals(List.of(), close(T0 + SECOND + LATENESS - 1));
        assertEquals(1, close(T0 + SECOND + LATENESS).size());
    }

    @Test
    void windowDueAgreesWithClose() {
        accept(web.exec(T0 + 1, 10, "/bin/sh"));
        assertTrue(accumulator.windowDue(T0 + LATENESS), "the partial window before T0");
        assertEquals(List.of(), close(T0 + LATENESS));

        assertFalse(accumulator.windowDue(T0 + SECOND + LATENESS - 1));
        assertTrue(accumulator.windowDue(T0 + SECOND + LATENESS));
        assertEquals(1, close(T0 + SECOND + LATENESS).size());
        assertFalse(accumulator.windowDue(T0 + SECOND + LATENESS));
        assertTrue(accumulator.windowDue(T0 + 2 * SECOND + LATENESS));
    }

    @Test
    void lateEventCountedInOldestOpenWindow() {
        close(T0 + SECOND + LATENESS);
        accept(web.exec(T0 + 1, 10, "/bin/sh"));

        FeatureWindow window = single(close(T0 + 2 * SECOND + LATENESS));

        assertEquals(T0 + SECOND, window.start().getEpochSecond() * SECOND);
        assertEquals(1.0, window.value("execs"));
        assertEquals(1, accumulator.counters().late);
    }

    @Test
    void partialFirstWindowNotPosted() {
        FeatureAccumulator late = new FeatureAccumulator(settings(1), T0 + SECOND / 2);
        late.accept(web.exec(T0 + SECOND / 2 + 1, 10, "/bin/sh"), T0 + SECOND / 2 + 1);

        assertEquals(List.of(), late.closeDue(T0 + SECOND + LATENESS, null));
        assertEquals(1, late.closeDue(T0 + 2 * SECOND + LATENESS, null).size());
    }

    @Test
    void hostExcludedByDefault() {
        EventHeader header = new EventHeader(T0 + 1, 1, 5, 5, 1, 0, 0, "sshd");
        accept(new ExecEvent(header, ContainerInfo.HOST_INFO, "/usr/sbin/sshd", List.of(),
                false, "/", ""));

        assertEquals(List.of(), close(T0 + SECOND + LATENESS));
    }

    @Test
    void hostIncludedWhenConfigured() {
        Settings withHost = new Settings(1_000, 500, true, 8, 64, 64, 3, 8, 64, false);
        FeatureAccumulator hosts = new FeatureAccumulator(withHost, T0 - 1);
        EventHeader header = new EventHeader(T0 + 1, 1, 5, 5, 1, 0, 0, "sshd");
        hosts.accept(new ExecEvent(header, ContainerInfo.HOST_INFO, "/usr/sbin/sshd", List.of(),
                false, "/", ""), T0 + 1);

        FeatureWindow window = single(hosts.closeDue(T0 + SECOND + LATENESS, null));

        assertEquals("host", window.container().id());
    }

    @Test
    void idleContainerForgotten() {
        accept(web.exec(T0 + 1, 10, "/bin/sh"));

        assertEquals(1, close(T0 + SECOND + LATENESS).size());
        assertEquals(1, close(T0 + 2 * SECOND + LATENESS).size());
        assertEquals(1, close(T0 + 3 * SECOND + LATENESS).size());
        assertEquals(1, close(T0 + 4 * SECOND + LATENESS).size());
        assertEquals(0, accumulator.containerCount());
        assertEquals(List.of(), close(T0 + 5 * SECOND + LATENESS));
    }

    @Test
    void listedContainerKeptWhileIdle() {
        accept(web.exec(T0 + 1, 10, "/bin/sh"));
        for (int i = 1; i <= 6; i++) {
            accumulator.closeDue(T0 + i * SECOND + LATENESS, Set.of("a1"));
        }

        assertEquals(1, accumulator.containerCount());
    }

    @Test
    void stoppedContainerForgottenAndLateEventsIgnored() {
        accept(web.exec(T0 + 1, 10, "/bin/sh"));
        accumulator.closeDue(T0 + SECOND + LATENESS, Set.of("a1"));
        accumulator.closeDue(T0 + 2 * SECOND + LATENESS, Set.of());

        assertEquals(0, accumulator.containerCount());

        accept(web.exit(T0 + 2 * SECOND + 5, 10, 0, 0));
        assertEquals(0, accumulator.containerCount());
        assertEquals(1, accumulator.counters().afterStop);
    }

    @Test
    void containersBeyondMaximumRejected() {
        Settings two = new Settings(1_000, 500, false, 2, 64, 64, 3, 8, 64, false);
        FeatureAccumulator bounded = new FeatureAccumulator(two, T0 - 1);
        for (int i = 0; i < 3; i++) {
            TestEvents container = new TestEvents("c" + i, "img", 20 + i);
            bounded.accept(container.exec(T0 + 1, 10, "/bin/sh"), T0 + 1);
        }

        assertEquals(2, bounded.containerCount());
        assertEquals(1, bounded.counters().eventsRejected);
    }

    @Test
    void distinctCountStopsAtMaximum() {
        Settings small = new Settings(1_000, 500, false, 8, 4, 64, 3, 8, 64, false);
        FeatureAccumulator bounded = new FeatureAccumulator(small, T0 - 1);
        for (int port = 1; port <= 10; port++) {
            bounded.accept(web.connect(T0 + port, "127.0.0.1", port, -111), T0 + port);
        }

        FeatureWindow window = single(bounded.closeDue(T0 + SECOND + LATENESS, null));

        assertEquals(4.0, window.value("tcp_remote_ports_distinct"));
        assertEquals(10.0, window.value("tcp_connects_failed"));
        assertEquals(6, bounded.counters().distinctOverflow);
    }

    @Test
    void executablesKnownToImageAreNotNew() {
        TestEvents sibling = new TestEvents("b2", "web:1", 12);
        TestEvents other = new TestEvents("c3", "db:1", 13);
        accept(web.exec(T0 + 1, 10, "/bin/sh"));
        accept(sibling.exec(T0 + 2, 20, "/bin/sh"));
        accept(other.exec(T0 + 3, 30, "/bin/sh"));

        List<FeatureWindow> windows = close(T0 + SECOND + LATENESS);

        assertEquals(1.0, valueOf(windows, "a1", "exec_binaries_new"));
        assertEquals(0.0, valueOf(windows, "b2", "exec_binaries_new"));
        assertEquals(1.0, valueOf(windows, "c3", "exec_binaries_new"));
    }

    @Test
    void cpuTimeIsDifferenceOfReadings() {
        accept(web.exec(T0 + 1, 10, "/bin/sh"));
        accumulator.recordCpu("a1", T0 - SECOND, 1_000, 500, T0 + 1);
        accumulator.recordCpu("a1", T0, 251_000, 10_500, T0 + SECOND);

        FeatureWindow window = single(close(T0 + SECOND + LATENESS));

        assertEquals(250.0, window.value("cpu_user_ms"));
        assertEquals(10.0, window.value("cpu_system_ms"));
        assertEquals(Map.of("a1", 11L), accumulator.cpuTargets());
    }

    @Test
    void windowsCarryEveryFeatureInOrder() {
        accept(web.exec(T0 + 1, 10, "/bin/sh"));

        FeatureWindow window = single(close(T0 + SECOND + LATENESS));

        assertEquals(Feature.NAMES, window.names());
        assertEquals(Feature.values().length, window.values().length);
        assertTrue(window.container().equals(web.container()));
    }

    private static Settings settings(int idleWindows) {
        return new Settings(1_000, 500, false, 8, 64, 64, idleWindows + 2, 8, 64, false);
    }

    private void accept(org.tarsier.api.event.Event event) {
        accumulator.accept(event, event.header().timeNanos());
    }

    private List<FeatureWindow> close(long now) {
        return accumulator.closeDue(now, null);
    }

    private static FeatureWindow single(List<FeatureWindow> windows) {
        assertEquals(1, windows.size(), "windows: " + windows);
        return windows.get(0);
    }

    private static double valueOf(List<FeatureWindow> windows, String id, String feature) {
        return windows.stream().filter(w -> w.container().id().equals(id)).findFirst()
                .orElseThrow().value(feature);
    }
}
