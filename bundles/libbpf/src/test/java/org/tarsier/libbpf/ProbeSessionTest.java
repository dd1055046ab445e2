package org.tarsier.libbpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.tarsier.libbpf.probe.Attachment;
import org.tarsier.libbpf.probe.DropCounters;
import org.tarsier.libbpf.probe.ProbeSession;

/** Runs {@link ProbeSession} and {@link DropCounters} on the sample object; needs root. */
class ProbeSessionTest {

    private static final String THREAD = ProbeSession.POLLER_THREAD;
    private static final DropCounters COUNTERS =
            new DropCounters("per_cpu_counts", List.of("calls", "unused"));

    @Test
    void sessionPollsRecordsAndRunsPeriodicStep() throws Exception {
        List<Long> sequences = new CopyOnWriteArrayList<>();
        AtomicInteger periodicRuns = new AtomicInteger();
        try (ProbeSession session = sampleSession(sequences, periodicRuns).start()) {
            for (int i = 0; i < 5; i++) {
                SampleObject.getppid();
            }

            await(() -> sequences.size() >= 5);
            await(() -> periodicRuns.get() >= 2);

            assertEquals(List.of(1L, 2L, 3L, 4L, 5L), sequences);
            assertEquals(List.of("count_getppid: tracepoint syscalls/sys_enter_getppid"),
                    session.programs());
            assertEquals(Map.of("calls", 5L, "unused", 0L), COUNTERS.read(session.object()));
        }
    }

    @Test
    void afterPollsSeesHandledRecords() throws Exception {
        List<Long> sequences = new CopyOnWriteArrayList<>();
        List<Integer> seenAfterPolls = new CopyOnWriteArrayList<>();
        List<String> threads = new CopyOnWriteArrayList<>();
        try (ProbeSession session = sampleSession(sequences, new AtomicInteger()).start()) {
            session.afterPolls(() -> {
                seenAfterPolls.add(sequences.size());
                threads.add(Thread.currentThread().getName());
            });
            for (int i = 0; i < 5; i++) {
                SampleObject.getppid();
            }

            await(() -> seenAfterPolls.contains(5));
        }
        assertEquals(List.of(THREAD), threads.stream().distinct().toList());
    }

    @Test
    void idlePollerWokenByFirstRecord() throws Exception {
        List<Long> sequences = new CopyOnWriteArrayList<>();
        // Without the wakeup, the record would wait for the end of a 10 s idle wait.
        ProbeSession.Builder builder = ProbeSession.builder(SampleObject.NAME, SampleObject.bytes())
                .global("target_pid", (int) ProcessHandle.current().pid())
                .beforeLoad(object -> object.program("rejected").setAutoload(false))
                .beforeLoad(object -> object.program("count_getppid").setAutoload(false))
                .attach(Attachment.section("quiet_getppid"))
                .ringBuffer("records", record -> sequences.add(
                        record.get(java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED, 8)))
                .pollTimeoutMillis(10_000)
                .idleWaitMillis(10_000);
        try (ProbeSession session = builder.start()) {
            Thread.sleep(300);
            SampleObject.getppid();

            await(() -> sequences.size() >= 1, Duration.ofMillis(2_500));

            assertEquals(List.of(1L), sequences);
        }
        assertEquals(0, pollerThreads(), "poller threads");
    }

    @Test
    void stopDetachesDrainsAndKeepsMapsReadable() throws Exception {
        List<Long> sequences = new CopyOnWriteArrayList<>();
        AtomicInteger periodicRuns = new AtomicInteger();
        ProbeSession session = sampleSession(sequences, periodicRuns)
                .periodic(Duration.ofHours(1), object -> periodicRuns.incrementAndGet())
                .start();
        try {
            SampleObject.getppid();
            SampleObject.getppid();

            session.stop();
            SampleObject.getppid();

            assertEquals(List.of(1L, 2L), sequences, "records drained at stop");
            assertEquals(1, periodicRuns.get(), "periodic runs");
            assertEquals(List.of(), session.programs(), "programs after stop");
            assertEquals(2L, COUNTERS.read(session.object()).get("calls"), "calls");
        } finally {
            session.close();
        }
        assertEquals(0, pollerThreads(), "poller threads");
    }

    @Test
    void sessionsShareOnePollerAndStopAlone() throws Exception {
        List<Long> first = new CopyOnWriteArrayList<>();
        List<Long> second = new CopyOnWriteArrayList<>();
        try (ProbeSession kept = sampleSession(first, new AtomicInteger()).start()) {
            try (ProbeSession stopped = sampleSession(second, new AtomicInteger()).start()) {
                for (int i = 0; i < 3; i++) {
                    SampleObject.getppid();
                }

                await(() -> first.size() >= 3 && second.size() >= 3);

                assertEquals(1, pollerThreads(), "poller threads with two sessions");
            }
            SampleObject.getppid();
            SampleObject.getppid();

            await(() -> first.size() >= 5);

            assertEquals(List.of(1L, 2L, 3L, 4L, 5L), first);
            assertEquals(List.of(1L, 2L, 3L), second);
            assertEquals(1, pollerThreads(), "poller threads with one session");
        }
        assertEquals(0, pollerThreads(), "poller threads");
    }

    @Test
    void stopWaitsOnlyForItsOwnSession() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch blocked = new CountDownLatch(1);
        List<Long> stopped = new CopyOnWriteArrayList<>();
        ProbeSession.Builder blocking = sampleSession(new CopyOnWriteArrayList<>(),
                new AtomicInteger())
                .ringBuffer("records", record -> {
                    blocked.countDown();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
        try (ProbeSession busy = blocking.start()) {
            ProbeSession other = sampleSession(stopped, new AtomicInteger()).start();
            try {
                SampleObject.getppid();
                assertTrue(blocked.await(10, TimeUnit.SECONDS), "handler of the first session");

                // The poller is stuck in the first session's handler, so only the stop itself
                // can drain the second session's record.
                long start = System.nanoTime();
                other.stop();
                Duration stopping = Duration.ofNanos(System.nanoTime() - start);

                assertEquals(List.of(1L), stopped, "records drained at stop");
                // waiting for the blocked round would take the 5 s timeout
                assertTrue(stopping.compareTo(Duration.ofSeconds(2)) < 0,
                        "stop took " + stopping);
            } finally {
                release.countDown();
                other.close();
            }
        }
        assertEquals(0, pollerThreads(), "poller threads");
    }

    @Test
    void failingHandlerPausesOnlyItsSession() throws Exception {
        List<Long> healthy = new CopyOnWriteArrayList<>();
        List<Long> failing = new CopyOnWriteArrayList<>();
        List<Exception> failures = new CopyOnWriteArrayList<>();
        ProbeSession.Builder failingBuilder = rejectingFirstRecord(failing, failures,
                IllegalArgumentException::new);
        try (ProbeSession other = sampleSession(healthy, new AtomicInteger()).start();
                ProbeSession broken = failingBuilder.start()) {
            for (int i = 0; i < 3; i++) {
                SampleObject.getppid();
            }

            await(() -> healthy.size() >= 3 && failing.size() >= 2);

            assertEquals(List.of(1L, 2L, 3L), healthy);
            assertEquals(List.of(2L, 3L), failing);
            assertEquals(List.of("record 1 rejected"),
                    failures.stream().map(Exception::getMessage).toList());
        }
        assertEquals(0, pollerThreads(), "poller threads");
    }

    @Test
    void handlerErrorKeepsPollerRunning() throws Exception {
        List<Long> sequences = new CopyOnWriteArrayList<>();
        List<Exception> failures = new CopyOnWriteArrayList<>();
        ProbeSession.Builder builder = rejectingFirstRecord(sequences, failures,
                AssertionError::new);
        try (ProbeSession session = builder.start()) {
            SampleObject.getppid();
            await(() -> !failures.isEmpty());
            SampleObject.getppid();

            await(() -> sequences.size() >= 1);

            assertEquals(List.of(2L), sequences);
            assertEquals("record 1 rejected", failures.get(0).getCause().getMessage());
            assertEquals(1, pollerThreads(), "poller threads");
        }
    }

    @Test
    void failedAttachLeavesNothing() throws Exception {
        ProbeSession.Builder builder = sampleSession(new CopyOnWriteArrayList<>(),
                new AtomicInteger())
                .attach(Attachment.tracepoint("count_getppid", "syscalls", "no_such_tracepoint"));

        BpfException e = assertThrows(BpfException.class, builder::start);

        assertEquals("failed to attach program count_getppid of sample.bpf.o to tracepoint"
                + " syscalls/no_such_tracepoint: ENOENT", e.getMessage());
        assertEquals(List.of(), bpfFileDescriptors());
        assertEquals(0, pollerThreads(), "poller threads");
    }

    @Test
    void attachmentRequiresCategoryAndName() {
        assertThrows(IllegalArgumentException.class,
                () -> new Attachment("p", Attachment.Kind.TRACEPOINT, "no_category"));
    }

    private static ProbeSession.Builder sampleSession(List<Long> sequences,
            AtomicInteger periodicRuns) {
        return ProbeSession.builder(SampleObject.NAME, SampleObject.bytes())
                .global("target_pid", (int) ProcessHandle.current().pid())
                .global("magic", 7)
                .global("wide", 9L)
                .beforeLoad(object -> object.program("rejected").setAutoload(false))
                .attach(Attachment.section("count_getppid"))
                .ringBuffer("records", record -> sequences.add(
                        record.get(java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED, 8)))
                .periodic(Duration.ofMillis(20), object -> periodicRuns.incrementAndGet())
                .pollTimeoutMillis(50);
    }

    /**
     * Returns a sample session whose handler throws {@code failure} with the message "record 1
     * rejected" for the first record and adds the sequence numbers of the others to
     * {@code accepted}.
     */
    private static ProbeSession.Builder rejectingFirstRecord(List<Long> accepted,
            List<Exception> failures, Function<String, ? extends Throwable> failure) {
        return sampleSession(accepted, new AtomicInteger())
                .ringBuffer("records", record -> {
                    long sequence = record.get(
                            java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED, 8);
                    if (sequence == 1) {
                        throwUnchecked(failure.apply("record " + sequence + " rejected"));
                    }
                    accepted.add(sequence);
                })
                .onFailure(failures::add);
    }

    private static void throwUnchecked(Throwable failure) {
        if (failure instanceof RuntimeException runtime) {
            throw runtime;
        }
        throw (Error) failure;
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        await(condition, Duration.ofSeconds(10));
    }

    private static void await(BooleanSupplier condition, Duration limit)
            throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertTrue(condition.getAsBoolean(), "condition not met within " + limit);
    }

    private static long pollerThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals(THREAD))
                .count();
    }

    private static List<String> bpfFileDescriptors() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.map(ProbeSessionTest::target)
                    .filter(target -> target.startsWith("anon_inode:bpf"))
                    .toList();
        }
    }

    private static String target(Path fd) {
        try {
            return Files.readSymbolicLink(fd).toString();
        } catch (IOException e) {
            return "";
        }
    }
}
