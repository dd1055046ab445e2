package org.tarsier.detector.rules.internal.eval;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.tarsier.api.container.ContainerInfo;
import org.tarsier.api.container.ImageReference;
import org.tarsier.api.event.FileEvent;
import org.tarsier.api.event.FileOperation;
import org.tarsier.api.event.SyscallEvent;
import org.tarsier.api.event.TcpEvent;
import org.tarsier.api.event.TcpOperation;

/** The fields Tarsier supports, named and typed as in Falco's field reference. */
public final class Fields {

    private static final DateTimeFormatter TIME = DateTimeFormatter
            .ofPattern("HH:mm:ss.SSSSSSSSS").withZone(ZoneOffset.UTC);

    /**
     * Falco fields that Tarsier's events do not carry. A rule that uses one is skipped with a
     * notice. A name in neither set is an error, so typos do not pass silently.
     */
    private static final Set<String> UNSUPPORTED = Set.of("user.loginuid", "user.loginname",
            "user.homedir", "user.shell", "proc.sname", "proc.sid", "proc.vpgid",
            "proc.vpgid.name", "proc.vpgid.exe", "proc.is_vpgid_leader", "proc.is_sid_leader",
            "proc.is_exe_upper_layer", "proc.exe_ino", "proc.exe_ino.ctime",
            "proc.exe_ino.mtime", "proc.exe_ino.ctime_duration_proc_start", "proc.duration",
            "proc.ppid.duration", "proc.env", "proc.is_container_healthcheck",
            "proc.is_container_liveness_probe", "proc.is_container_readiness_probe",
            "proc.pid.ts", "proc.vpid", "proc.pvpid", "proc.loginshellid", "proc.is_exe_writable",
            "proc.stdin.type", "proc.stdout.type", "proc.stderr.type", "proc.fdopencount",
            "proc.pidns_init_start_ts", "thread.cap_effective", "thread.cap_permitted",
            "thread.cap_inheritable", "thread.vtid", "thread.ismain", "fd.types",
            "fd.connected", "fd.net", "fd.snet", "fd.cnet", "fd.rnet", "fd.lnet", "fd.ip",
            "fd.port", "fd.proto", "fd.sip.name", "fd.cip.name", "fd.rip.name", "fd.lip.name",
            "fd.name_changed", "fd.dev", "fd.ino", "fd.uid", "fd.containername",
            "fd.containerdirectory", "fd.cproto", "fd.sproto", "fd.lproto", "fd.rproto",
            "fd.is_server", "fd.sockfamily", "evt.cpu", "evt.latency", "evt.buffer",
            "evt.buflen", "evt.category", "evt.is_io", "evt.is_io_read", "evt.is_io_write",
            "evt.is_wait", "evt.is_syslog", "evt.count", "evt.around", "evt.abspath",
            "evt.info", "evt.plugininfo", "evt.source", "evt.is_async", "evt.asynctype",
            "container.privileged", "container.mounts", "container.mount",
            "container.start_ts", "container.duration", "container.healthcheck",
            "container.liveness_probe", "container.readiness_probe", "container.ip",
            "container.cni.json", "container.image.id", "container.image.digest",
            "container.host_pid", "container.host_network", "container.host_ipc",
            "k8s.rc.name", "k8s.svc.name", "k8s.deployment.name", "k8s.pod.labels",
            "k8s.pod.label", "k8s.pod.ip", "k8s.pod.cni.json", "k8s.pod.sandbox_id",
            "k8s.pod.full_sandbox_id", "k8s.ns.labels", "k8s.ns.label", "fs.path.name",
            "fs.path.nameraw", "fs.path.source", "fs.path.target");

    private static final Map<String, FieldDef> FIELDS = new HashMap<>();

    static {
        eventFields();
        processFields();
        userAndContainerFields();
        fdFields();
    }

    private Fields() {
    }

    /** Returns the field named {@code name} (without argument), or null. */
    static FieldDef get(String name) {
        return FIELDS.get(name);
    }

    /** Returns whether Falco defines {@code name} but Tarsier's events do not carry it. */
    static boolean isUnsupportedFalcoField(String name) {
        return UNSUPPORTED.contains(name);
    }

    private static void eventFields() {
        add("evt.type", FieldType.STRINGS, c -> c.types());
        add("evt.dir", FieldType.STRING, c -> "<");
        add("evt.res", FieldType.STRING, Fields::result);
        add("evt.rawres", FieldType.NUMBER, Fields::rawResult);
        add("evt.failed", FieldType.BOOL, c -> {
            Long raw = rawResult(c);
            return raw == null ? null : raw < 0;
        });
        add("evt.time", FieldType.STRING, c -> TIME.format(c.event().header().time()));
        add("evt.time.iso8601", FieldType.STRING,
                c -> Instant.ofEpochSecond(0, c.event().header().timeNanos()).toString());
        add("evt.num", FieldType.NUMBER, EvalContext::number);
        add("evt.rawtime", FieldType.NUMBER, c -> c.event().header().timeNanos());
        add("evt.hostname", FieldType.STRING, EvalContext::hostname);
        add("evt.is_open_write", FieldType.BOOL, c -> c.event() instanceof FileEvent f
                ? f.operation() == FileOperation.OPEN && f.writeIntent()
                : Boolean.FALSE);
        add("evt.is_open_read", FieldType.BOOL, c -> c.event() instanceof FileEvent f
                ? f.operation() == FileOperation.OPEN && (f.flags() & 3) != 1
                : Boolean.FALSE);
        add("evt.args", FieldType.STRING, c -> c.arguments().isEmpty() ? null
                : String.join(" ", c.arguments().entrySet().stream()
                        .map(e -> e.getKey() + "=" + e.getValue()).toList()));
        FIELDS.put("evt.arg", new FieldDef("evt.arg", FieldType.STRING, FieldType.STRING,
                (c, arg) -> arg == null ? null : c.arguments().get(arg)));
    }

    private static void processFields() {
        add("proc.pid", FieldType.NUMBER, c -> (long) c.event().header().pid());
        add("thread.tid", FieldType.NUMBER, c -> (long) c.event().header().tid());
        add("proc.ppid", FieldType.NUMBER, c -> (long) c.process().ppid());

        add("proc.name", FieldType.STRING, c -> c.process().name());
        add("proc.exe", FieldType.STRING, c -> c.process().exe());
        add("proc.exepath", FieldType.STRING, c -> blankToNull(c.process().exePath()));
        add("proc.cmdline", FieldType.STRING, c -> c.process().cmdline());
        add("proc.exeline", FieldType.STRING, c -> join(c.process().exe(), c.process().args()));
        add("proc.args", FieldType.STRING, c -> c.process().args());
        add("proc.cwd", FieldType.STRING, c -> blankToNull(c.process().cwd()));
        // NOTE: the probes do not report the controlling terminal, so proc.tty is always 0 and
        // Falco conditions such as proc.tty != 0 never hold.
        add("proc.tty", FieldType.NUMBER, c -> 0L);
        add("proc.duration", FieldType.NUMBER, c -> {
            long start = c.process().startNanos();
            return start == 0 ? null : (Object) (c.event().header().timeNanos() - start);
        });
        add("proc.is_exe_written", FieldType.BOOL, EvalContext::exeWritten);
        // Tarsier extensions: facts fixed at the exec of the current image, which the process
        // cannot change later, unlike its cgroup, its comm or its live parent.
        add("proc.exec_container_id", FieldType.STRING,
                c -> blankToNull(c.process().execContainerId()));
        add("proc.exec_parent_exepath", FieldType.STRING,
                c -> blankToNull(c.process().execParent().exePath()));
        add("proc.exec_parent_container_id", FieldType.STRING,
                c -> blankToNull(c.process().execParent().execContainerId()));
        add("proc.is_exe_from_memfd", FieldType.BOOL, c -> isMemfd(c.process().exePath()));

        parent("proc.pname", ProcessInfo::name);
        parent("proc.pexe", ProcessInfo::exe);
        parent("proc.pexepath", p -> blankToNull(p.exePath()));
        parent("proc.pcmdline", ProcessInfo::cmdline);
        parent("proc.pexec_container_id", p -> blankToNull(p.execContainerId()));
        ancestor("proc.aname", ProcessInfo::name);
        ancestor("proc.aexe", ProcessInfo::exe);
        ancestor("proc.aexepath", ProcessInfo::exePath);
        ancestor("proc.acmdline", ProcessInfo::cmdline);

        FIELDS.put("proc.apid", new FieldDef("proc.apid", FieldType.STRINGS, FieldType.NUMBER,
                (c, arg) -> {
                    if (arg == null) {
                        return c.ancestors().stream().map(p -> Integer.toString(p.pid())).toList();
                    }
                    ProcessInfo p = c.ancestor(index(arg));
                    return p == null ? null : (Object) (long) p.pid();
                }));
    }

    private static void userAndContainerFields() {
        add("user.uid", FieldType.NUMBER, c -> (long) c.event().header().uid());
        add("user.name", FieldType.STRING, c -> c.users().user(c.event().header().uid()));
        add("group.gid", FieldType.NUMBER, c -> (long) c.event().header().gid());
        add("group.name", FieldType.STRING, c -> c.users().group(c.event().header().gid()));
        add("container.id", FieldType.STRING, c -> c.event().container().shortId());
        add("container.full_id", FieldType.STRING, c -> c.event().container().id());
        add("container.name", FieldType.STRING, c -> c.event().container().name());
        add("container.type", FieldType.STRING, c -> c.event().container().runtime());
        add("container.image", FieldType.STRING, c -> c.event().container().image());
        add("container.image.repository", FieldType.STRING,
                c -> ImageReference.parse(c.event().container().image()).repository());
        add("container.image.tag", FieldType.STRING,
                c -> ImageReference.parse(c.event().container().image()).tag());
        FIELDS.put("container.label", new FieldDef("container.label", FieldType.STRING,
                FieldType.STRING, (c, arg) -> arg == null ? null
                        : c.event().container().labels().get(arg)));
        add("k8s.pod.name", FieldType.STRING, c -> c.event().container().podName());
        add("k8s.ns.name", FieldType.STRING, c -> c.event().container().podNamespace());
        add("k8s.pod.uid", FieldType.STRING, c -> c.event().container().podUid());
    }

    private static void fdFields() {
        add("fd.name", FieldType.STRING, Fields::fdName);
        // NOTE: the file probe reports paths already made absolute, so fd.nameraw is the path
        // before "." and ".." are removed, not always the exact string passed to the syscall.
        // For an open it is the path as given, while fd.name is the opened file's path with
        // symbolic links resolved.
        add("fd.nameraw", FieldType.STRING, c -> switch (c.event()) {
            case FileEvent f when f.operation() == FileOperation.RENAME -> f.targetPath();
            case FileEvent f when f.operation() == FileOperation.OPEN -> f.requestedPath();
            case FileEvent f -> f.path();
            default -> null;
        });
        add("fd.directory", FieldType.STRING, c -> directory(fdName(c)));
        add("fd.filename", FieldType.STRING, c -> filename(fdName(c)));
        add("fd.typechar", FieldType.STRING, c -> switch (c.event()) {
            case FileEvent f -> "f";
            case TcpEvent t -> t.family() == 6 ? "6" : "4";
            default -> null;
        });
        add("fd.type", FieldType.STRING, c -> switch (c.event()) {
            case FileEvent f -> "file";
            case TcpEvent t -> t.family() == 6 ? "ipv6" : "ipv4";
            default -> null;
        });
        add("fd.num", FieldType.NUMBER, c -> c.event() instanceof FileEvent f
                && f.operation() == FileOperation.OPEN ? Math.max(f.result(), -1L) : null);
        add("fd.l4proto", FieldType.STRING, c -> c.event() instanceof TcpEvent ? "tcp" : null);
        tcp("fd.lip", t -> t.localAddress());
        tcp("fd.lport", t -> (long) t.localPort());
        tcp("fd.rip", t -> blankToNull(t.remoteAddress()));
        tcp("fd.rport", t -> t.remoteAddress().isEmpty() ? null : (long) t.remotePort());
        tcp("fd.sip", t -> serverIsLocal(t) ? t.localAddress() : blankToNull(t.remoteAddress()));
        tcp("fd.sport", t -> serverIsLocal(t) ? (long) t.localPort() : (long) t.remotePort());
        tcp("fd.cip", t -> serverIsLocal(t) ? blankToNull(t.remoteAddress()) : t.localAddress());
        tcp("fd.cport", t -> serverIsLocal(t) ? (long) t.remotePort() : (long) t.localPort());
    }

    private static void add(String name, FieldType type, Function<EvalContext, Object> getter) {
        FIELDS.put(name, new FieldDef(name, type, null, (c, arg) -> getter.apply(c)));
    }

    private static void parent(String name, Function<ProcessInfo, Object> getter) {
        add(name, FieldType.STRING, c -> {
            ProcessInfo parent = c.ancestor(1);
            return parent == null ? null : getter.apply(parent);
        });
    }

    private static void ancestor(String name, Function<ProcessInfo, Object> getter) {
        BiFunction<EvalContext, String, Object> read = (c, arg) -> {
            if (arg == null) {
                return c.ancestors().stream().map(p -> String.valueOf(getter.apply(p))).toList();
            }
            ProcessInfo p = c.ancestor(index(arg));
            return p == null ? null : getter.apply(p);
        };
        FIELDS.put(name, new FieldDef(name, FieldType.STRINGS, FieldType.STRING, read));
    }

    private static void tcp(String name, Function<TcpEvent, Object> getter) {
        FieldType type = name.endsWith("port") ? FieldType.NUMBER : FieldType.STRING;
        add(name, type, c -> c.event() instanceof TcpEvent t ? getter.apply(t) : null);
    }

    private static int index(String arg) {
        try {
            return Integer.parseInt(arg.strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Returns whether the field argument is valid for {@code def}, checked at compile time. */
    static boolean validArgument(FieldDef def, String arg) {
        if (def.name().startsWith("proc.a")) {
            return index(arg) >= 0;
        }
        return !arg.isEmpty();
    }

    private static boolean serverIsLocal(TcpEvent t) {
        return t.operation() == TcpOperation.ACCEPT || t.operation() == TcpOperation.LISTEN;
    }

    private static String fdName(EvalContext c) {
        return switch (c.event()) {
            case FileEvent f -> c.filePath();
            case TcpEvent t -> t.operation() == TcpOperation.LISTEN || t.remoteAddress().isEmpty()
                    ? t.localAddress() + ":" + t.localPort()
                    : tcpName(t);
            default -> null;
        };
    }

    private static String tcpName(TcpEvent t) {
        String local = t.localAddress() + ":" + t.localPort();
        String remote = t.remoteAddress() + ":" + t.remotePort();
        return serverIsLocal(t) ? remote + "->" + local : local + "->" + remote;
    }

    private static String result(EvalContext c) {
        return switch (c.event()) {
            case FileEvent f -> f.failed() ? f.error() : "SUCCESS";
            case TcpEvent t -> t.failed() ? t.error() : "SUCCESS";
            case SyscallEvent s -> s.failed() ? s.error() : "SUCCESS";
            default -> "SUCCESS";
        };
    }

    private static Long rawResult(EvalContext c) {
        return switch (c.event()) {
            case FileEvent f -> f.result();
            case TcpEvent t -> t.result();
            case SyscallEvent s -> s.result();
            default -> 0L;
        };
    }

    static String directory(String path) {
        if (path == null || !path.startsWith("/")) {
            return null;
        }
        int slash = path.lastIndexOf('/');
        return slash == 0 ? "/" : path.substring(0, slash);
    }

    static String filename(String path) {
        if (path == null || !path.startsWith("/")) {
            return null;
        }
        return path.substring(path.lastIndexOf('/') + 1);
    }


    private static boolean isMemfd(String path) {
        return path.startsWith("/memfd:") || path.startsWith("memfd:");
    }

    private static String join(String first, String rest) {
        return rest.isEmpty() ? first : first + " " + rest;
    }

    private static String blankToNull(String value) {
        return value == null || value.isEmpty() ? null : value;
    }
}
