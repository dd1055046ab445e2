package org.tarsier.probe.syscall.internal;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.tarsier.api.container.ContainerInfo;
import org.tarsier.api.event.Event;
import org.tarsier.libbpf.BpfException;
import org.tarsier.libbpf.probe.ProbeSession;

/**
 * A syscall probe session on the running kernel whose events collect in a list. Events carry
 * the Docker container id parsed from the cgroup path that the kernel reported.
 */
final class KernelProbe implements AutoCloseable {

    private static final Pattern DOCKER_PATH = Pattern.compile("docker/([0-9a-f]{64})");

    private final List<Event> events = new CopyOnWriteArrayList<>();
    private final List<Exception> failures = new CopyOnWriteArrayList<>();
    private final ProbeSession session;

    private KernelProbe(Settings settings) throws BpfException, IOException {
        SyscallTable table = SyscallTable.forRunningArchitecture();
        RecordDecoder decoder = new RecordDecoder(table, KernelProbe::dockerContainer);
        session = SyscallObject.start(objectBytes(), settings, table, decoder, events::add,
                failures::add);
    }

    static KernelProbe start(Settings settings) throws BpfException, IOException {
        return new KernelProbe(settings);
    }

    /** Starts a session with the default settings and the given window. */
    static KernelProbe start(int windowMillis, boolean includeHost)
            throws BpfException, IOException {
        Settings defaults = Settings.DEFAULTS;
        return start(new Settings(true, windowMillis, includeHost, defaults.hostCgroups(),
                defaults.syscalls(), defaults.countsMaxEntries(), defaults.pollTimeoutMillis()));
    }

    ProbeSession session() {
        return session;
    }

    List<Exception> failures() {
        return failures;
    }

    /** Returns the events of a type that match, in arrival order. */
    <T extends Event> List<T> events(Class<T> type, Predicate<T> match) {
        List<T> matching = new ArrayList<>();
        for (Event event : events) {
            if (type.isInstance(event) && match.test(type.cast(event))) {
                matching.add(type.cast(event));
            }
        }
        return matching;
    }

    /** Waits until {@code done} holds or the timeout passes; returns whether it holds. */
    static boolean await(java.util.function.BooleanSupplier done, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(20);
        }
        return true;
    }

    @Override
    public void close() {
        session.close();
    }

    static ContainerInfo dockerContainer(long cgroupId, String kernelPath) {
        Matcher matcher = DOCKER_PATH.matcher(kernelPath);
        return matcher.matches() ? ContainerInfo.ofId("docker", matcher.group(1))
                : ContainerInfo.HOST_INFO;
    }

    static byte[] objectBytes() throws IOException {
        try (InputStream in = KernelProbe.class.getResourceAsStream(SyscallObject.RESOURCE)) {
            if (in == null) {
                throw new IOException(SyscallObject.RESOURCE + " is not on the class path;"
                        + " the generate-resources phase compiles it");
            }
            return in.readAllBytes();
        }
    }
}
