package org.tarsier.exporter.internal.jsonl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.service.event.Event;
import org.tarsier.exporter.internal.RecordingLogger;

class JsonlWriterTest {

    private static final String PROPERTY = "record";

    @TempDir
    Path dir;

    private final RecordingLogger log = new RecordingLogger();

    @Test
    void fullQueueDropsAndCounts() throws Exception {
        CountDownLatch firstRendered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        JsonlStream stream = stream();
        stream.replaceWriter(writer(stream, dir.resolve("out.jsonl"), 2, record -> {
            firstRendered.countDown();
            await(release);
            return "\"" + record + "\"";
        }));

        stream.handleEvent(event("r0"));
        assertTrue(firstRendered.await(10, TimeUnit.SECONDS), "writer thread took no record");
        // The writer thread is rendering r0, so two records fill the queue and three are dropped.
        for (int i = 1; i <= 5; i++) {
            stream.handleEvent(event("r" + i));
        }
        release.countDown();
        stream.replaceWriter(null);

        assertEquals(3, stream.dropped());
        assertEquals(3, stream.written());
        assertEquals(List.of("\"r0\"", "\"r1\"", "\"r2\""),
                Files.readAllLines(dir.resolve("out.jsonl")));
    }

    @Test
    void closeWritesEveryQueuedRecord() throws Exception {
        Path file = dir.resolve("nested/dirs/out.jsonl");
        JsonlStream stream = stream();
        stream.replaceWriter(writer(stream, file, 10_000, record -> "\"" + record + "\""));

        for (int i = 0; i < 5_000; i++) {
            stream.handleEvent(event("r" + i));
        }
        stream.replaceWriter(null);

        List<String> lines = Files.readAllLines(file);
        assertEquals(5_000, lines.size());
        assertEquals("\"r4999\"", lines.get(4_999));
        assertEquals(5_000, stream.written());
        assertEquals(0, stream.dropped());
    }

    @Test
    void recordFlushedWithoutClose() throws Exception {
        Path file = dir.resolve("out.jsonl");
        JsonlStream stream = stream();
        stream.replaceWriter(writer(stream, file, 10, record -> "\"" + record + "\""));

        stream.handleEvent(event("r0"));

        awaitTrue(() -> lineCount(file) == 1, "record not flushed within 2 s", 2);
        stream.replaceWriter(null);
    }

    @Test
    void linesAppendedToExistingFile() throws Exception {
        Path file = dir.resolve("out.jsonl");
        Files.writeString(file, "\"old\"\n");
        JsonlStream stream = stream();
        stream.replaceWriter(writer(stream, file, 10, record -> "\"" + record + "\""));

        stream.handleEvent(event("new"));
        stream.replaceWriter(null);

        assertEquals(List.of("\"old\"", "\"new\""), Files.readAllLines(file));
    }

    @Test
    void rotatedFileRecreated() throws Exception {
        Path file = dir.resolve("out.jsonl");
        Path rotated = dir.resolve("out.jsonl.1");
        JsonlStream stream = stream();
        stream.replaceWriter(writer(stream, file, 10, record -> "\"" + record + "\""));
        stream.handleEvent(event("before"));
        awaitTrue(() -> lineCount(file) == 1, "first record not flushed", 5);

        Files.move(file, rotated);
        Thread.sleep(1_500);
        stream.handleEvent(event("after"));
        stream.replaceWriter(null);

        assertEquals(List.of("\"before\""), Files.readAllLines(rotated));
        assertEquals(List.of("\"after\""), Files.readAllLines(file));
    }

    @Test
    void renderFailureDropsAndCounts() throws Exception {
        Path file = dir.resolve("out.jsonl");
        JsonlStream stream = stream();
        stream.replaceWriter(writer(stream, file, 10, record -> {
            if (record.equals("bad")) {
                throw new IllegalStateException("cannot render");
            }
            return "\"" + record + "\"";
        }));

        stream.handleEvent(event("bad"));
        stream.handleEvent(event("good"));
        stream.replaceWriter(null);

        assertEquals(1, stream.dropped());
        assertEquals(List.of("\"good\""), Files.readAllLines(file));
        assertTrue(log.lines("ERROR").get(0).contains("failed to render"), log.lines().toString());
    }

    @Test
    void unwritablePathDropsAndCounts() throws Exception {
        Path blocker = dir.resolve("blocker");
        Files.writeString(blocker, "a file where a directory should be");
        JsonlStream stream = stream();
        stream.replaceWriter(writer(stream, blocker.resolve("out.jsonl"), 10,
                record -> "\"" + record + "\""));

        stream.handleEvent(event("r0"));
        stream.replaceWriter(null);

        assertEquals(1, stream.dropped());
        assertEquals(0, stream.written());
        assertTrue(log.lines("ERROR").get(0).contains(blocker.toString()), log.lines().toString());
    }

    @Test
    void eventWithoutRecordDropped() {
        JsonlStream stream = stream();

        stream.handleEvent(new Event("org/tarsier/event/process/EXEC", Map.of()));

        assertEquals(1, stream.dropped());
        assertFalse(log.lines("WARN").isEmpty());
    }

    @Test
    void sizeRotationKeepsNewestFiles() throws Exception {
        Path file = dir.resolve("out.jsonl");
        JsonlStream stream = stream();
        stream.replaceWriter(new JsonlWriter("test", file, new JsonlWriter.Rotation(20, 2), 100,
                record -> "\"" + record + "\"", stream.writtenCounter(), stream.droppedCounter(),
                log.logger()));

        // Each line is 9 bytes, so every third flushed line reaches 20 bytes and rotates.
        for (int i = 1; i <= 10; i++) {
            stream.handleEvent(event(String.format("r%05d", i)));
            long expected = i;
            awaitTrue(() -> stream.written() == expected, "record " + i + " not written", 10);
        }
        stream.replaceWriter(null);

        assertEquals(List.of("\"r00010\""), Files.readAllLines(file));
        assertEquals(List.of("\"r00007\"", "\"r00008\"", "\"r00009\""),
                Files.readAllLines(dir.resolve("out.jsonl.1")));
        assertEquals(List.of("\"r00004\"", "\"r00005\"", "\"r00006\""),
                Files.readAllLines(dir.resolve("out.jsonl.2")));
        assertFalse(Files.exists(dir.resolve("out.jsonl.3")));
        assertEquals(0, stream.dropped());
    }

    private JsonlStream stream() {
        return new JsonlStream("test", PROPERTY, String.class, log.logger());
    }

    private JsonlWriter writer(JsonlStream stream, Path file, int capacity,
            Function<Object, String> renderer) {
        return new JsonlWriter("test", file, capacity, renderer, stream.writtenCounter(),
                stream.droppedCounter(), log.logger());
    }

    private static Event event(String record) {
        return new Event("org/tarsier/event/test/RECORD", Map.of(PROPERTY, record));
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static long lineCount(Path file) {
        try {
            return Files.exists(file) ? Files.readAllLines(file).size() : 0;
        } catch (IOException e) {
            return -1;
        }
    }

    private static void awaitTrue(BooleanSupplier condition, String message, int seconds)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail(message);
            }
            Thread.sleep(10);
        }
    }
}
