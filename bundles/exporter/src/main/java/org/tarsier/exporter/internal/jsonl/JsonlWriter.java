package org.tarsier.exporter.internal.jsonl;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

import org.osgi.service.log.Logger;
import org.tarsier.api.log.RateLimiter;

/**
 * Appends records to a file as JSON lines through a bounded queue drained by one thread.
 *
 * <p>{@link #offer} does not wait for space: when the queue is full it returns {@code false} and
 * the caller counts the record as dropped. The thread renders each record, collects lines in memory and
 * appends them to the file when the queue runs empty, when {@value #FLUSH_BYTES} bytes are
 * pending, and at least every second. Records count as written once their bytes reached the
 * file, and as dropped when rendering or the write failed. {@link #close} writes every record
 * that {@link #offer} accepted before it returns.
 *
 * <p>Once a second the writer checks whether the file at its path is still the one it has open;
 * when log rotation moved or removed it, the next lines go to a new file at the path.
 *
 * <p>With a {@link Rotation} of positive {@code maxBytes}, the writer rotates the file itself once
 * a flush made it reach that size: {@code path} becomes {@code path.1}, {@code path.1} becomes
 * {@code path.2} and so on, and {@code path.<maxFiles>} is deleted. A rotation happens between
 * two flushes, so no line is split across files.
 */
final class JsonlWriter {

    /**
     * Size-based rotation.
     *
     * @param maxBytes size at which the file is rotated, or 0 to never rotate
     * @param maxFiles number of rotated files kept beside the current one, at least 1
     */
    record Rotation(long maxBytes, int maxFiles) {
        static final Rotation NONE = new Rotation(0, 1);
    }

    static final int FLUSH_BYTES = 256 * 1024;
    private static final long FLUSH_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final long REOPEN_DELAY_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** Marker that close() queues to wake a writer thread waiting for records, never written. */
    private static final Object WAKE = new Object();
    private static final long CLOSE_TIMEOUT_MILLIS = 30_000;

    private final String output;
    private final Path path;
    private final Rotation rotation;
    private final Function<Object, String> renderer;
    private final LongAdder written;
    private final LongAdder dropped;
    private final Logger logger;
    private final RateLimiter limiter = new RateLimiter(60_000);
    private final BlockingQueue<Object> queue;
    private final Thread thread;

    // close() waits for offers in progress, so no record is queued after the thread's last poll.
    private final AtomicInteger offering = new AtomicInteger();
    private volatile boolean accepting = true;
    private volatile boolean finishing;

    // Used by the writer thread only.
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream(FLUSH_BYTES + 4096);
    private int pendingRecords;
    private OutputStream file;
    private Object fileKey;
    private long fileSize;
    private long nextOpenNanos;
    private long nextFlushNanos;

    /**
     * Creates a writer; nothing is written before {@link #start()}.
     *
     * @param output output name for log messages, e.g. {@code jsonl-alerts}
     * @param renderer renders one record as one line of JSON without a line break
     * @param written incremented by the number of records that reached the file
     * @param dropped incremented by the number of records lost after {@link #offer} accepted them
     */
    JsonlWriter(String output, Path path, int capacity, Function<Object, String> renderer,
            LongAdder written, LongAdder dropped, Logger logger) {
        this(output, path, Rotation.NONE, capacity, renderer, written, dropped, logger);
    }

    /** Creates a writer that rotates the file by size as {@code rotation} sets. */
    JsonlWriter(String output, Path path, Rotation rotation, int capacity,
            Function<Object, String> renderer, LongAdder written, LongAdder dropped,
            Logger logger) {
        this.output = output;
        this.path = path;
        this.rotation = rotation;
        this.renderer = renderer;
        this.written = written;
        this.dropped = dropped;
        this.logger = logger;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.thread = new Thread(this::run, "tarsier-" + output + "-writer");
        this.thread.setDaemon(true);
    }

    Path path() {
        return path;
    }

    /** Starts the writer thread. */
    void start() {
        thread.start();
    }

    /** Queues {@code record}; returns {@code false} if the queue is full or the writer closed. */
    boolean offer(Object record) {
        offering.incrementAndGet();
        try {
            return accepting && queue.offer(record);
        } finally {
            offering.decrementAndGet();
        }
    }

    /** Stops accepting records, writes the queued ones, and closes the file. */
    void close() {
        accepting = false;
        while (offering.get() > 0) {
            Thread.onSpinWait();
        }
        finishing = true;
        // A full queue needs no marker, because the thread is not waiting then.
        queue.offer(WAKE);
        if (thread.getState() == Thread.State.NEW) {
            thread.start();
        }
        try {
            thread.join(CLOSE_TIMEOUT_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            logger.error("{}: writer thread did not finish writing {} within {} ms; {} queued"
                    + " records may be lost", output, path, CLOSE_TIMEOUT_MILLIS, queuedRecords());
        }
    }

    private void run() {
        nextOpenNanos = System.nanoTime();
        nextFlushNanos = nextOpenNanos + FLUSH_INTERVAL_NANOS;
        try {
            while (!(finishing && queue.isEmpty())) {
                // Waits until the next periodic flush at most, so an idle writer wakes once a
                // second to notice a rotated file.
                long waitNanos = Math.max(0, nextFlushNanos - System.nanoTime());
                Object record = queue.poll(waitNanos, TimeUnit.NANOSECONDS);
                if (record != null && record != WAKE) {
                    append(record);
                }
                if (queue.isEmpty() || pending.size() >= FLUSH_BYTES
                        || System.nanoTime() - nextFlushNanos >= 0) {
                    flush();
                }
            }
        } catch (InterruptedException e) {
            logger.warn("{}: writer thread interrupted; {} queued records not written", output,
                    queuedRecords());
            dropped.add(queuedRecords());
        } finally {
            flush();
            closeFile();
        }
    }

    /** Returns the number of queued records, without the marker of close(). */
    private long queuedRecords() {
        return queue.stream().filter(record -> record != WAKE).count();
    }

    private void append(Object record) {
        String line;
        try {
            line = Objects.requireNonNull(renderer.apply(record), "rendered line");
        } catch (RuntimeException e) {
            dropped.increment();
            if (limiter.permit("render")) {
                logger.error("{}: failed to render a {} as JSON, record dropped ({} similar"
                        + " messages suppressed)", output, record.getClass().getName(),
                        limiter.suppressed("render"), e);
            }
            return;
        }
        pending.writeBytes(line.getBytes(StandardCharsets.UTF_8));
        pending.write('\n');
        pendingRecords++;
    }

    private void flush() {
        long now = System.nanoTime();
        if (now - nextFlushNanos >= 0) {
            nextFlushNanos = now + FLUSH_INTERVAL_NANOS;
            reopenIfRotated();
        }
        if (pendingRecords == 0) {
            return;
        }
        try {
            OutputStream out = openFile();
            pending.writeTo(out);
            out.flush();
            fileSize += pending.size();
            written.add(pendingRecords);
            rotateIfFull();
        } catch (IOException e) {
            dropped.add(pendingRecords);
            if (limiter.permit("write")) {
                logger.error("{}: failed to write {} records to {}: {} ({} similar messages"
                        + " suppressed)", output, pendingRecords, path, e.toString(),
                        limiter.suppressed("write"));
            }
            closeFile();
        } finally {
            pending.reset();
            pendingRecords = 0;
        }
    }

    private OutputStream openFile() throws IOException {
        if (file != null) {
            return file;
        }
        long now = System.nanoTime();
        if (now - nextOpenNanos < 0) {
            throw new IOException("opening the file again 1 s after the last failure");
        }
        nextOpenNanos = now + REOPEN_DELAY_NANOS;
        Path parent = path.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        file = Files.newOutputStream(path, StandardOpenOption.CREATE, StandardOpenOption.APPEND,
                StandardOpenOption.WRITE);
        BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class);
        fileKey = attributes.fileKey();
        fileSize = attributes.size();
        return file;
    }

    private void rotateIfFull() {
        if (rotation.maxBytes() <= 0 || fileSize < rotation.maxBytes()) {
            return;
        }
        closeFile();
        nextOpenNanos = System.nanoTime();
        try {
            for (int i = rotation.maxFiles(); i >= 1; i--) {
                Path older = rotated(i);
                if (i == rotation.maxFiles()) {
                    Files.deleteIfExists(older);
                } else if (Files.exists(older)) {
                    Files.move(older, rotated(i + 1), StandardCopyOption.REPLACE_EXISTING);
                }
            }
            Files.move(path, rotated(1), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            if (limiter.permit("rotate")) {
                logger.error("{}: failed to rotate {} at {} bytes: {}; appending to it instead"
                        + " ({} similar messages suppressed)", output, path, fileSize,
                        e.toString(), limiter.suppressed("rotate"));
            }
        }
    }

    private Path rotated(int index) {
        return path.resolveSibling(path.getFileName() + "." + index);
    }

    private void reopenIfRotated() {
        if (file == null || fileKey == null) {
            return;
        }
        Object current;
        try {
            current = Files.readAttributes(path, BasicFileAttributes.class).fileKey();
        } catch (NoSuchFileException e) {
            current = null;
        } catch (IOException e) {
            return;
        }
        if (current == null || !current.equals(fileKey)) {
            logger.info("{}: {} was moved or removed; writing to a new file at that path", output,
                    path);
            closeFile();
            nextOpenNanos = System.nanoTime();
        }
    }

    private void closeFile() {
        if (file == null) {
            return;
        }
        try {
            file.close();
        } catch (IOException e) {
            logger.warn("{}: failed to close {}: {}", output, path, e.toString());
        }
        file = null;
        fileKey = null;
    }
}
