package org.tarsier.features.internal;

import java.util.List;
import java.util.Map;

import org.tarsier.api.event.ExecEvent;
import org.tarsier.api.event.ExitEvent;
import org.tarsier.api.event.FileEvent;
import org.tarsier.api.event.FileOperation;
import org.tarsier.api.event.ForkEvent;
import org.tarsier.api.event.SyscallEvent;
import org.tarsier.api.event.TcpEvent;

/** One container's counts in one window, and the distinct values behind the distinct counts. */
final class WindowCounts {

    /** Folders whose files belong to the system: a write there changes programs or settings. */
    private static final List<String> SYSTEM_DIRS = List.of("/etc/", "/bin/", "/sbin/", "/usr/",
            "/lib/", "/lib64/", "/boot/", "/root/");

    private final double[] values = new double[Feature.values().length];
    private final BoundedSet<String> syscalls;
    private final BoundedSet<String> binaries;
    private final BoundedSet<String> pathsWritten;
    private final BoundedSet<String> remoteAddresses;
    private final BoundedSet<Integer> remotePorts;
    private final BoundedSet<String> acceptPeers;
    private boolean active;

    WindowCounts(int maxDistinct) {
        syscalls = new BoundedSet<>(maxDistinct);
        binaries = new BoundedSet<>(maxDistinct);
        pathsWritten = new BoundedSet<>(maxDistinct);
        remoteAddresses = new BoundedSet<>(maxDistinct);
        remotePorts = new BoundedSet<>(maxDistinct);
        acceptPeers = new BoundedSet<>(maxDistinct);
    }

    /** Returns whether any event, syscall count or CPU time was recorded. */
    boolean active() {
        return active;
    }

    void addExec(ExecEvent exec, boolean firstRun) {
        add(Feature.EXECS, 1);
        binaries.add(exec.filename());
        if (firstRun) {
            add(Feature.EXEC_BINARIES_NEW, 1);
        }
    }

    void addFork(ForkEvent fork) {
        add(fork.isThread() ? Feature.THREADS_CREATED : Feature.FORKS, 1);
    }

    void addExit(ExitEvent exit) {
        add(Feature.EXITS, 1);
        if (exit.signal() != 0) {
            add(Feature.EXITS_SIGNALED, 1);
        } else if (exit.exitCode() != 0) {
            add(Feature.EXITS_FAILED, 1);
        }
    }

    void addFile(FileEvent file) {
        add(operationFeature(file.operation()), 1);
        if (file.operation() == FileOperation.OPEN && file.writeIntent()) {
            add(Feature.FILE_WRITES, 1);
        }
        if (file.failed()) {
            add(Feature.FILE_FAILED, 1);
        } else if (file.writeIntent()) {
            pathsWritten.add(file.path());
            if (isSystemPath(file.path())) {
                add(Feature.FILE_WRITES_SYSTEM, 1);
            }
        }
    }

    void addTcp(TcpEvent tcp) {
        switch (tcp.operation()) {
            case CONNECT -> {
                add(Feature.TCP_CONNECTS, 1);
                if (tcp.failed()) {
                    add(Feature.TCP_CONNECTS_FAILED, 1);
                }
                remoteAddresses.add(tcp.remoteAddress());
                remotePorts.add(tcp.remotePort());
            }
            case ACCEPT -> {
                add(Feature.TCP_ACCEPTS, 1);
                acceptPeers.add(tcp.remoteAddress());
            }
            case LISTEN -> add(Feature.TCP_LISTENS, 1);
            case CLOSE -> {
                add(Feature.TCP_CLOSES, 1);
                add(Feature.TCP_BYTES_SENT, tcp.bytesSent());
                add(Feature.TCP_BYTES_RECEIVED, tcp.bytesReceived());
            }
            case STATE -> active = true;
        }
    }

    void addSyscall(SyscallEvent syscall) {
        add(Feature.SYSCALLS_SENSITIVE, 1);
        if (syscall.failed()) {
            add(Feature.SYSCALLS_SENSITIVE_FAILED, 1);
        }
    }

    /**
     * Adds a share of the kernel's syscall counts.
     *
     * @param fraction part of the counting interval that falls in this window, above 0 and at
     *     most 1
     */
    void addSyscallCounts(Map<String, Long> counts, double fraction) {
        for (Map.Entry<String, Long> entry : counts.entrySet()) {
            double share = entry.getValue() * fraction;
            if (share <= 0) {
                continue;
            }
            add(Feature.SYSCALLS_TOTAL, share);
            add(SyscallCategory.of(entry.getKey()).feature(), share);
            syscalls.add(entry.getKey());
            Feature single = TopSyscalls.feature(entry.getKey());
            if (single != null) {
                add(single, share);
            }
        }
    }

    void addCpu(double userMillis, double systemMillis) {
        add(Feature.CPU_USER_MS, userMillis);
        add(Feature.CPU_SYSTEM_MS, systemMillis);
    }

    /** Returns the feature vector, with the live process count known at the window's close. */
    double[] toVector(int liveProcesses) {
        double[] vector = values.clone();
        vector[Feature.SYSCALLS_DISTINCT.ordinal()] = syscalls.size();
        vector[Feature.EXEC_BINARIES_DISTINCT.ordinal()] = binaries.size();
        vector[Feature.FILE_PATHS_WRITTEN.ordinal()] = pathsWritten.size();
        vector[Feature.TCP_REMOTE_ADDRESSES.ordinal()] = remoteAddresses.size();
        vector[Feature.TCP_REMOTE_PORTS.ordinal()] = remotePorts.size();
        vector[Feature.TCP_ACCEPT_PEERS.ordinal()] = acceptPeers.size();
        vector[Feature.PROCESSES_LIVE.ordinal()] = liveProcesses;
        return vector;
    }

    /** Returns how many distinct values the window's sets could not hold. */
    long distinctOverflow() {
        return syscalls.overflow() + binaries.overflow() + pathsWritten.overflow()
                + remoteAddresses.overflow() + remotePorts.overflow() + acceptPeers.overflow();
    }

    private void add(Feature feature, double amount) {
        values[feature.ordinal()] += amount;
        active = true;
    }

    private static Feature operationFeature(FileOperation operation) {
        return switch (operation) {
            case OPEN -> Feature.FILE_OPENS;
            case UNLINK -> Feature.FILE_UNLINKS;
            case RENAME -> Feature.FILE_RENAMES;
            case CHMOD -> Feature.FILE_CHMODS;
            case CHOWN -> Feature.FILE_CHOWNS;
            case LINK, SYMLINK -> Feature.FILE_LINKS;
            case MKDIR -> Feature.FILE_MKDIRS;
            case RMDIR -> Feature.FILE_RMDIRS;
            case TRUNCATE -> Feature.FILE_TRUNCATES;
            case MKNOD -> Feature.FILE_MKNODS;
        };
    }

    private static boolean isSystemPath(String path) {
        for (String dir : SYSTEM_DIRS) {
            if (path.startsWith(dir)) {
                return true;
            }
        }
        return false;
    }
}
