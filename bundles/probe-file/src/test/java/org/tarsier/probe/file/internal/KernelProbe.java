package org.tarsier.probe.file.internal;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.tarsier.api.container.ContainerInfo;
import org.tarsier.api.event.FileEvent;
import org.tarsier.libbpf.BpfException;
import org.tarsier.libbpf.probe.ProbeSession;

/**
 * A file probe session on the running kernel. It keeps every record that reached user space
 * and, separately, the events that the user-space filter accepted.
 */
final class KernelProbe implements AutoCloseable {

    private static final Pattern DOCKER_PATH = Pattern.compile("docker/([0-9a-f]{64})");

    private final List<RecordDecoder.Decoded> received = new CopyOnWriteArrayList<>();
    private final List<FileEvent> accepted = new CopyOnWriteArrayList<>();
    private final List<Exception> failures = new CopyOnWriteArrayList<>();
    private final ProbeSession session;
    private volatile Settings settings;

    private KernelProbe(Settings settings) throws BpfException, IOException {
        this.settings = settings;
        RecordDecoder decoder = new RecordDecoder(KernelProbe::dockerContainer);
        session = FileObject.start(RecordLayoutBtfTest.objectBytes(),
                SyscallTracepoints.available(SyscallTracepoints.TRACEFS_EVENTS), settings,
                identity(), decoder, this::accept, failures::add);
    }

    static KernelProbe start(Settings settings) throws BpfException, IOException {
        return new KernelProbe(settings);
    }

    static KernelProbe start() throws BpfException, IOException {
        return start(Settings.DEFAULTS);
    }

    static FileObject.Identity identity() throws IOException {
        return new FileObject.Identity(HostNamespace.host().inode(),
                (int) ProcessHandle.current().pid());
    }

    /** Attributes Docker cgroups by their kernel path, as container-meta would. */
    static ContainerInfo dockerContainer(long cgroupId, String kernelPath) {
        Matcher matcher = DOCKER_PATH.matcher(kernelPath);
        return matcher.matches() ? ContainerInfo.ofId("docker", matcher.group(1))
                : ContainerInfo.HOST_INFO;
    }

    ProbeSession session() {
        return session;
    }

    List<Exception> failures() {
        return failures;
    }

    /** Changes the filters of the loaded programs, as the component's modified method does. */
    void reconfigure(Settings newSettings) throws BpfException, IOException {
        settings = newSettings;
        FileObject.writeFilters(session.object(), newSettings, identity());
    }

    /** Waits until no record arrived for a quiet period, at most the timeout. */
    void settle(Duration quiet, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        int count = -1;
        while (System.nanoTime() < deadline && count != received.size()) {
            count = received.size();
            Thread.sleep(quiet.toMillis());
        }
    }

    /** Returns the accepted events that match. */
    List<FileEvent> events(Predicate<FileEvent> match) {
        return accepted.stream().filter(match).toList();
    }

    /** Returns the events of every record that reached user space and matches. */
    List<FileEvent> received(Predicate<FileEvent> match) {
        List<FileEvent> events = new ArrayList<>();
        for (RecordDecoder.Decoded decoded : received) {
            if (match.test(decoded.event())) {
                events.add(decoded.event());
            }
        }
        return events;
    }

    private void accept(RecordDecoder.Decoded decoded) {
        received.add(decoded);
        if (EventFilter.accepts(settings, decoded)) {
            accepted.add(decoded.event());
        }
    }

    @Override
    public void close() {
        session.close();
    }
}
