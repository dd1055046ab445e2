package org.tarsier.detector.rules.internal.eval;

import java.util.List;
import java.util.Map;
import org.tarsier.api.event.Event;
import org.tarsier.api.event.ExecEvent;
import org.tarsier.api.event.ExitEvent;
import org.tarsier.api.event.FileEvent;
import org.tarsier.api.event.FileOperation;
import org.tarsier.api.event.ForkEvent;
import org.tarsier.api.event.SyscallCountEvent;
import org.tarsier.api.event.SyscallEvent;
import org.tarsier.api.event.TcpEvent;
import org.tarsier.api.event.TcpOperation;

/**
 * Falco {@code evt.type} names of each Tarsier event.
 *
 * <p>A Tarsier event stands for a family of syscalls (the file probe reports open, openat,
 * openat2 and creat as one OPEN), so {@code evt.type} of an event is the list of those names
 * and {@code evt.type = openat} holds for any of them. The first name is the one shown in output.
 */
public final class EventTypes {

    /** {@code evt.type} of syscall count windows, a Tarsier event with no Falco counterpart. */
    public static final String SYSCALL_COUNTS = "syscall_counts";

    /** {@code evt.type} of TCP state changes, a Tarsier event with no Falco counterpart. */
    public static final String TCP_STATE = "tcp_state";

    private static final Map<FileOperation, List<String>> FILE = Map.ofEntries(
            Map.entry(FileOperation.OPEN, List.of("openat", "open", "openat2", "creat")),
            Map.entry(FileOperation.UNLINK, List.of("unlinkat", "unlink")),
            Map.entry(FileOperation.RENAME, List.of("renameat2", "rename", "renameat")),
            Map.entry(FileOperation.CHMOD, List.of("fchmodat", "chmod", "fchmod")),
            Map.entry(FileOperation.CHOWN, List.of("fchownat", "chown", "fchown", "lchown")),
            Map.entry(FileOperation.LINK, List.of("linkat", "link")),
            Map.entry(FileOperation.SYMLINK, List.of("symlinkat", "symlink")),
            Map.entry(FileOperation.MKDIR, List.of("mkdirat", "mkdir")),
            Map.entry(FileOperation.RMDIR, List.of("rmdir", "unlinkat")),
            Map.entry(FileOperation.TRUNCATE, List.of("ftruncate", "truncate")),
            Map.entry(FileOperation.MKNOD, List.of("mknodat", "mknod")));

    private static final Map<TcpOperation, List<String>> TCP = Map.of(
            TcpOperation.CONNECT, List.of("connect"),
            TcpOperation.ACCEPT, List.of("accept4", "accept"),
            TcpOperation.LISTEN, List.of("listen"),
            TcpOperation.CLOSE, List.of("close"),
            TcpOperation.STATE, List.of(TCP_STATE));

    private EventTypes() {
    }

    /** Returns the {@code evt.type} names of {@code event}, the displayed one first. */
    public static List<String> of(Event event) {
        return switch (event) {
            case ExecEvent e -> List.of("execve", "execveat");
            case ForkEvent e -> List.of("clone", "clone3", "fork", "vfork");
            case ExitEvent e -> List.of("procexit");
            case FileEvent e -> FILE.get(e.operation());
            case TcpEvent e -> TCP.get(e.operation());
            case SyscallEvent e -> List.of(e.name());
            case SyscallCountEvent e -> List.of(SYSCALL_COUNTS);
            default -> List.of(event.kind().toLowerCase(java.util.Locale.ROOT));
        };
    }

    /** Returns the key under which evaluation plans of this kind of event are cached. */
    public static String planKey(Event event) {
        return event.probe() + "/" + of(event).get(0);
    }
}
