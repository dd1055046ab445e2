package org.tarsier.libbpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.tarsier.libbpf.Libbpf.PrintLevel;

class LibbpfTest {

    private final List<String> messages = new CopyOnWriteArrayList<>();
    private final List<PrintLevel> levels = new CopyOnWriteArrayList<>();

    @AfterEach
    void discardMessages() {
        Libbpf.setPrintSink(null);
    }

    @Test
    void printSinkReceivesFormattedMessagesOnePerCall() throws Exception {
        Libbpf.setPrintSink((level, message) -> {
            levels.add(level);
            messages.add(message);
        });

        try (BpfObject object = BpfObject.open(SampleObject.NAME, SampleObject.bytes())) {
            try {
                object.load();
            } catch (BpfException expected) {
                // The rejected program makes libbpf print warnings and the verifier log.
            }
        }

        assertFalse(messages.isEmpty(), "no message");
        assertTrue(messages.stream().noneMatch(m -> m.endsWith("\n")), "trailing newline");
        assertTrue(messages.stream().allMatch(m -> m.startsWith("libbpf: ")), "libbpf prefix");
        assertTrue(messages.stream().anyMatch(m -> m.contains("prog 'rejected'")),
                "formatted program name in " + messages);
        assertTrue(levels.contains(PrintLevel.WARN), "warning level");
        assertTrue(levels.contains(PrintLevel.DEBUG), "debug level");
    }

    @Test
    void throwingSinkDoesNotBreakLibbpf() throws Exception {
        Libbpf.setPrintSink((level, message) -> {
            throw new IllegalStateException("sink failed on purpose");
        });

        try (BpfObject object = SampleObject.openForThisProcess(1, 1)) {
            object.load();
            assertTrue(object.isLoaded(), "loaded");
        }
    }

    @Test
    void possibleCpusMatchesSysfs() throws Exception {
        String possible = java.nio.file.Files.readString(
                java.nio.file.Path.of("/sys/devices/system/cpu/possible")).strip();
        int last = Integer.parseInt(possible.substring(possible.lastIndexOf('-') + 1));

        assertEquals(last + 1, Libbpf.possibleCpus());
    }

    @Test
    void versionIsOneDotSomething() {
        assertTrue(Libbpf.version().startsWith("v1."), Libbpf.version());
    }

    @Test
    void bootClockConvertsToWallClock() {
        long epoch = BootClock.bootTimeNanos() + BootClock.epochOffsetNanos();
        long now = System.currentTimeMillis() * 1_000_000L;

        assertTrue(Math.abs(epoch - now) < 1_000_000_000L, "difference " + (epoch - now));
    }

    @Test
    void concurrentCallersShareOneOffset() throws Exception {
        // Four threads call at the same moments, as the probe pollers do, and a busy fifth thread
        // preempts them. Callers within one refresh period must get one value.
        int threads = 4;
        var values = new java.util.concurrent.ConcurrentSkipListSet<Long>();
        var start = new java.util.concurrent.CountDownLatch(1);
        var pool = java.util.concurrent.Executors.newFixedThreadPool(threads + 1);
        try {
            var busy = pool.submit(() -> {
                long until = System.nanoTime() + 200_000_000L;
                long spin = 0;
                while (System.nanoTime() < until) {
                    spin++;
                }
                return spin;
            });
            List<java.util.concurrent.Future<?>> callers = new java.util.ArrayList<>();
            for (int i = 0; i < threads; i++) {
                callers.add(pool.submit(() -> {
                    start.await();
                    long until = System.nanoTime() + 20_000_000L;
                    while (System.nanoTime() < until) {
                        values.add(BootClock.epochOffsetNanos());
                    }
                    return null;
                }));
            }
            start.countDown();
            for (var caller : callers) {
                caller.get();
            }
            busy.get();
        } finally {
            pool.shutdownNow();
        }

        // a refresh may fall inside the 20 ms
        assertTrue(values.size() <= 2, "distinct offsets in 20 ms: " + values.size());
        assertTrue(values.last() - values.first() < 1_000_000L,
                "offsets differ by " + (values.last() - values.first()) + " ns");
    }
}
