package org.tarsier.detector.rules.internal.eval;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tarsier.api.event.Event;
import org.tarsier.api.event.FileEvent;
import org.tarsier.api.event.SyscallEvent;
import org.tarsier.api.event.TcpEvent;

/** One event under evaluation, with the process table entries of its process and ancestors. */
public final class EvalContext {

    private final Event event;
    private final List<String> types;
    private final ProcessTable table;
    private final UserNames users;
    private final String hostname;
    private final WrittenFiles written;
    private final SymbolicLinks links;
    private final long number;
    private String filePath;
    private ProcessInfo process;
    private List<ProcessInfo> ancestors;
    private Map<String, String> arguments;

    EvalContext(Event event, ProcessTable table, UserNames users, String hostname,
            WrittenFiles written, SymbolicLinks links, long number) {
        this.event = event;
        this.types = EventTypes.of(event);
        this.table = table;
        this.users = users;
        this.hostname = hostname;
        this.written = written;
        this.links = links;
        this.number = number;
    }

    /** Returns the event's sequence number in this engine, from 1. */
    long number() {
        return number;
    }

    Event event() {
        return event;
    }

    List<String> types() {
        return types;
    }

    UserNames users() {
        return users;
    }

    String hostname() {
        return hostname;
    }

    /** Returns whether the process's executable was written in its container at run time. */
    boolean exeWritten() {
        String exe = process().exePath();
        return !exe.isEmpty() && written.contains(event.container().id(), exe);
    }

    /**
     * Returns the path a file event acts on (the new path of a rename), with the symbolic links
     * created at run time followed; null for other events.
     */
    String filePath() {
        if (filePath == null && event instanceof FileEvent file) {
            filePath = links.resolve(file);
        }
        return filePath;
    }

    ProcessInfo process() {
        if (process == null) {
            process = table.lookup(event);
        }
        return process;
    }

    /** Returns ancestor {@code n}: 0 is the process itself, 1 its parent; null when unknown. */
    ProcessInfo ancestor(int n) {
        if (n == 0) {
            return process();
        }
        List<ProcessInfo> chain = ancestors();
        return n - 1 < chain.size() ? chain.get(n - 1) : null;
    }

    List<ProcessInfo> ancestors() {
        if (ancestors == null) {
            ancestors = table.ancestors(process());
        }
        return ancestors;
    }

    /** Returns decoded syscall arguments by Falco's argument names. */
    Map<String, String> arguments() {
        if (arguments == null) {
            arguments = decodeArguments();
        }
        return arguments;
    }

    private Map<String, String> decodeArguments() {
        Map<String, String> args = new LinkedHashMap<>();
        switch (event) {
            case SyscallEvent e -> args.putAll(e.arguments());
            case FileEvent e -> fileArguments(e, filePath(), args);
            case TcpEvent e -> args.put("addr", e.remoteAddress() + ":" + e.remotePort());
            default -> {
            }
        }
        return args;
    }

    private static void fileArguments(FileEvent e, String path, Map<String, String> args) {
        switch (e.operation()) {
            case OPEN -> {
                args.put("name", path);
                args.put("flags", FileFlags.openFlags(e.flags()));
                args.put("mode", FileFlags.mode(e.mode()));
                args.put("fd", Long.toString(e.result()));
            }
            case RENAME -> {
                args.put("oldpath", PathNames.normalize(e.path()));
                args.put("newpath", PathNames.normalize(e.targetPath()));
                args.put("flags", Integer.toString(e.flags()));
            }
            case LINK -> {
                args.put("oldpath", PathNames.normalize(e.targetPath()));
                args.put("newpath", PathNames.normalize(e.path()));
            }
            case SYMLINK -> {
                args.put("target", e.targetPath());
                args.put("linkpath", PathNames.normalize(e.path()));
            }
            case CHMOD, MKDIR, MKNOD -> {
                args.put("path", PathNames.normalize(e.path()));
                args.put("filename", PathNames.normalize(e.path()));
                args.put("mode", FileFlags.mode(e.mode()));
            }
            case CHOWN -> {
                args.put("path", PathNames.normalize(e.path()));
                args.put("uid", Integer.toString(e.ownerUid()));
                args.put("gid", Integer.toString(e.ownerGid()));
            }
            default -> {
                args.put("name", PathNames.normalize(e.path()));
                args.put("path", PathNames.normalize(e.path()));
            }
        }
        args.put("res", Long.toString(e.result()));
    }
}
