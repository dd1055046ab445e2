package org.tarsier.features.internal;

import java.util.List;
import java.util.Map;

import org.tarsier.api.container.ContainerInfo;
import org.tarsier.api.event.EventHeader;
import org.tarsier.api.event.ExecEvent;
import org.tarsier.api.event.ExitEvent;
import org.tarsier.api.event.FileEvent;
import org.tarsier.api.event.FileOperation;
import org.tarsier.api.event.ForkEvent;
import org.tarsier.api.event.SyscallCountEvent;
import org.tarsier.api.event.TcpEvent;
import org.tarsier.api.event.TcpOperation;

/** Builds probe events of one container at given times, in nanoseconds since the epoch. */
final class TestEvents {

    static final long SECOND = 1_000_000_000L;

    private final ContainerInfo container;
    private final long cgroupId;

    TestEvents(String id, String image, long cgroupId) {
        this.container = new ContainerInfo("docker", id, "name-" + id, image, Map.of(), "", "",
                "");
        this.cgroupId = cgroupId;
    }

    ContainerInfo container() {
        return container;
    }

    EventHeader header(long time, int pid) {
        return new EventHeader(time, cgroupId, pid, pid, 1, 0, 0, "sh");
    }

    ExecEvent exec(long time, int pid, String filename) {
        return new ExecEvent(header(time, pid), container, filename, List.of(filename), false,
                "/", "docker/" + container.id());
    }

    ForkEvent fork(long time, int parent, int child) {
        return new ForkEvent(header(time, parent), container, child, child);
    }

    ForkEvent thread(long time, int parent, int child) {
        return new ForkEvent(header(time, parent), container, parent, child);
    }

    ExitEvent exit(long time, int pid, int code, int signal) {
        return new ExitEvent(header(time, pid), container, code, signal, 0);
    }

    FileEvent file(long time, FileOperation operation, String path, int flags, long result) {
        return new FileEvent(header(time, 7), container, operation, path, "", flags, 0, -1, -1,
                result, result < 0 ? "EACCES" : "");
    }

    TcpEvent connect(long time, String address, int port, long result) {
        return new TcpEvent(header(time, 7), container, TcpOperation.CONNECT, 4, "127.0.0.1",
                40000, address, port, result, result < 0 ? "ECONNREFUSED" : "", "", "", 0, 0, 0);
    }

    TcpEvent tcp(long time, TcpOperation operation, String peer, long sent, long received) {
        return new TcpEvent(header(time, 7), container, operation, 4, "127.0.0.1", 8080, peer,
                50000, 0, "", "", "", sent, received, 0);
    }

    SyscallCountEvent counts(long end, long length, Map<String, Long> counts) {
        long total = counts.values().stream().mapToLong(Long::longValue).sum();
        return new SyscallCountEvent(new EventHeader(end, cgroupId, 0, 0, 0, 0, 0, ""),
                container, length, counts, total);
    }
}
