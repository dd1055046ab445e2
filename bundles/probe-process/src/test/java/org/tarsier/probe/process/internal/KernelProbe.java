package org.tarsier.probe.process.internal;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import org.tarsier.api.container.ContainerInfo;
import org.tarsier.api.event.Event;
import org.tarsier.libbpf.BpfException;
import org.tarsier.libbpf.probe.ProbeSession;

/** A probe session on the running kernel whose events collect in a queue. */
final class KernelProbe implements AutoCloseable {

    private final LinkedBlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final List<Exception> failures = new CopyOnWriteArrayList<>();
    private final ProbeSession session;

    private KernelProbe(Settings settings) throws BpfException, IOException {
        RecordDecoder decoder = new RecordDecoder((cgroupId, path) -> ContainerInfo.HOST_INFO);
        session = ProcessObject.start(RecordLayoutBtfTest.objectBytes(), settings, decoder,
                events::add, failures::add);
    }

    static KernelProbe start(Settings settings) throws BpfException, IOException {
        return new KernelProbe(settings);
    }

    static KernelProbe start() throws BpfException, IOException {
        return start(Settings.DEFAULTS);
    }

    ProbeSession session() {
        return session;
    }

    List<Exception> failures() {
        return failures;
    }

    /** Waits for the first event of {@code type} that matches, dropping the others. */
    <T extends Event> Optional<T> await(Class<T> type, Predicate<T> match, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<Event> seen = new ArrayList<>();
        while (true) {
            long left = deadline - System.nanoTime();
            Event event = left <= 0 ? null : events.poll(left, TimeUnit.NANOSECONDS);
            if (event == null) {
                return Optional.empty();
            }
            seen.add(event);
            if (type.isInstance(event) && match.test(type.cast(event))) {
                return Optional.of(type.cast(event));
            }
        }
    }

    @Override
    public void close() {
        session.close();
    }
}
