package org.tarsier.detector.rules.internal.eval;

import java.util.List;
import java.util.Map;
import org.tarsier.api.container.ContainerInfo;
import org.tarsier.api.event.EventHeader;
import org.tarsier.api.event.ExecEvent;
import org.tarsier.api.event.ExitEvent;
import org.tarsier.api.event.FileEvent;
import org.tarsier.api.event.FileOperation;
import org.tarsier.api.event.ForkEvent;
import org.tarsier.api.event.SyscallEvent;
import org.tarsier.api.event.TcpEvent;
import org.tarsier.api.event.TcpOperation;

/** Hand-built event records for rule tests. */
final class Events {

    static final String CONTAINER_ID =
            "3f1c2a9b8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a";
    static final ContainerInfo CONTAINER = new ContainerInfo("docker", CONTAINER_ID, "web",
            "registry.example/team/nginx:1.27", Map.of("app", "web"), "web-0", "shop", "uid-1");
    static final ContainerInfo HOST = ContainerInfo.HOST_INFO;

    static final int O_WRONLY = 01;
    static final int O_RDWR = 02;
    static final int O_CREAT = 0100;
    static final int O_TRUNC = 01000;

    private Events() {
    }

    static EventHeader header(long timeNanos, int pid, int ppid, int uid, String comm) {
        return new EventHeader(timeNanos, 4242, pid, pid, ppid, uid, uid, comm);
    }

    static EventHeader header(int pid, int ppid, String comm) {
        return header(1_000_000_000L, pid, ppid, 0, comm);
    }

    static ExecEvent exec(ContainerInfo container, int pid, int ppid, String filename,
            String... argv) {
        String comm = filename.substring(filename.lastIndexOf('/') + 1);
        return new ExecEvent(header(pid, ppid, comm.length() > 15 ? comm.substring(0, 15) : comm),
                container, filename, List.of(argv), false, "/", "docker/x");
    }

    static ForkEvent fork(ContainerInfo container, long time, int pid, int child) {
        return new ForkEvent(header(time, pid, 1, 0, "parent"), container, child, child);
    }

    static ExitEvent exit(ContainerInfo container, int pid) {
        return new ExitEvent(header(pid, 1, "gone"), container, 0, 0, 0);
    }

    static FileEvent open(ContainerInfo container, int pid, String comm, String path, int flags) {
        return file(container, pid, comm, FileOperation.OPEN, path, "", flags, 0644, 3);
    }

    /** An open that the file probe resolved: path is the opened file, requested as given. */
    static FileEvent resolvedOpen(ContainerInfo container, int pid, String comm, String path,
            String requested) {
        return new FileEvent(header(pid, 1, comm), container, FileOperation.OPEN, path, "", 0,
                0, -1, -1, 3, "", requested);
    }

    static FileEvent file(ContainerInfo container, int pid, String comm, FileOperation op,
            String path, String target, int flags, int mode, long result) {
        return new FileEvent(header(pid, 1, comm), container, op, path, target, flags, mode, -1,
                -1, result, result < 0 ? "EACCES" : "");
    }

    static TcpEvent connect(ContainerInfo container, long time, int pid, String comm,
            String remote, int port) {
        return new TcpEvent(header(time, pid, 1, 0, comm), container, TcpOperation.CONNECT, 4,
                "10.0.0.2", 40000, remote, port, 0, "", "", "", 0, 0, 0);
    }

    static SyscallEvent syscall(ContainerInfo container, int pid, String comm, String name,
            Map<String, String> arguments, long result) {
        return new SyscallEvent(header(pid, 1, comm), container, 101, name,
                List.of(0L, 0L, 0L, 0L, 0L, 0L), arguments, result, result < 0 ? "EPERM" : "");
    }
}
