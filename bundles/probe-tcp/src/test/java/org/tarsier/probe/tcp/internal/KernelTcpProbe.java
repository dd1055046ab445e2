package org.tarsier.probe.tcp.internal;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.tarsier.api.container.ContainerInfo;
import org.tarsier.api.event.TcpEvent;
import org.tarsier.libbpf.BpfException;
import org.tarsier.libbpf.probe.ProbeSession;

/**
 * A session of the TCP probe on the running kernel whose events collect in a list.
 *
 * <p>Containers are recognized from the cgroup path read in the kernel, {@code docker/<id>},
 * the way a container resolver reports Docker containers of the cgroupfs driver without asking
 * the engine; other paths count as the host. The path of each cgroup id is kept for the tests.
 */
final class KernelTcpProbe implements AutoCloseable {

    private static final Pattern DOCKER_PATH = Pattern.compile("docker/([0-9a-f]{64})");

    private final List<TcpEvent> events = new CopyOnWriteArrayList<>();
    private final List<Exception> failures = new CopyOnWriteArrayList<>();
    private final Map<Long, String> kernelPaths = new ConcurrentHashMap<>();
    private final ProbeSession session;

    private KernelTcpProbe(Settings settings) throws BpfException, IOException {
        RecordDecoder decoder = new RecordDecoder(this::containerOf);
        session = TcpObject.start(objectBytes(), settings, decoder, events::add, failures::add);
    }

    static KernelTcpProbe start(Settings settings) throws BpfException, IOException {
        return new KernelTcpProbe(settings);
    }

    /** Starts a probe that reports host sockets too, without STATE events. */
    static KernelTcpProbe startWithHost() throws BpfException, IOException {
        return start(new Settings(true, true, false, 65_536, 100));
    }

    ProbeSession session() {
        return session;
    }

    List<Exception> failures() {
        return failures;
    }

    /** Returns the cgroup path that the kernel reported with a cgroup id, or empty. */
    String kernelPath(long cgroupId) {
        return kernelPaths.getOrDefault(cgroupId, "");
    }

    /** Waits until {@code count} events match and returns them, or those seen at the timeout. */
    List<TcpEvent> await(Predicate<TcpEvent> match, int count, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<TcpEvent> matches = matching(match);
            if (matches.size() >= count || System.nanoTime() > deadline) {
                return matches;
            }
            Thread.sleep(20);
        }
    }

    /** Waits for the first event that matches. */
    TcpEvent awaitOne(Predicate<TcpEvent> match, Duration timeout, String description)
            throws InterruptedException {
        List<TcpEvent> matches = await(match, 1, timeout);
        if (matches.isEmpty()) {
            throw new AssertionError("no event: " + description + "; received " + events.size()
                    + " events");
        }
        return matches.get(0);
    }

    /** Returns the events received so far that match. */
    List<TcpEvent> matching(Predicate<TcpEvent> match) {
        List<TcpEvent> matches = new ArrayList<>();
        for (TcpEvent event : events) {
            if (match.test(event)) {
                matches.add(event);
            }
        }
        return matches;
    }

    @Override
    public void close() {
        session.close();
    }

    static byte[] objectBytes() throws IOException {
        try (InputStream in = KernelTcpProbe.class.getResourceAsStream(TcpObject.RESOURCE)) {
            if (in == null) {
                throw new IOException(TcpObject.RESOURCE + " is not on the class path;"
                        + " the generate-resources phase compiles it");
            }
            return in.readAllBytes();
        }
    }

    private ContainerInfo containerOf(long cgroupId, String kernelPath) {
        if (!kernelPath.isEmpty()) {
            kernelPaths.put(cgroupId, kernelPath);
        }
        Matcher docker = DOCKER_PATH.matcher(kernelPath);
        return docker.matches() ? ContainerInfo.ofId("docker", docker.group(1))
                : ContainerInfo.HOST_INFO;
    }
}
