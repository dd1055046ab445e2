package org.tarsier.probe.file.internal;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;
import org.tarsier.api.Topics;
import org.tarsier.api.container.ContainerInfo;
import org.tarsier.api.container.ContainerResolver;
import org.tarsier.api.event.FileOperation;
import org.tarsier.api.probe.Probe;
import org.tarsier.api.probe.ProbeException;
import org.tarsier.libbpf.BpfException;
import org.tarsier.libbpf.probe.AbstractProbe;
import org.tarsier.libbpf.probe.ProbeSession;

/**
 * The file probe: posts one event per file operation on {@link Topics#FILE_PREFIX} plus the
 * {@link FileOperation} name, e.g. {@code org/tarsier/event/file/OPEN}.
 *
 * <p>Filters run in the kernel and change without reloading: tasks in the host's mount namespace
 * are dropped before any string is read unless {@code scope=all}; read-only opens are dropped
 * unless {@code opens=all} or a path of the open is in the sensitive-read list; include and
 * exclude path prefixes are compared with the absolute paths. An event passes when one of its
 * paths passes. Events carry the container that a {@link ContainerResolver} reports for the task's
 * cgroup, or {@link ContainerInfo#HOST_INFO} while no resolver is registered.
 *
 * <p>Field conventions beyond {@link org.tarsier.api.event.FileEvent}: fd-based operations
 * (fchmod, fchown, ftruncate) carry the fd's path and the flag AT_EMPTY_PATH (0x1000); lchown
 * carries AT_SYMLINK_NOFOLLOW; MKNOD keeps the file type bits of its mode (S_IFIFO, S_IFCHR
 * ...). The kernel builds absolute paths from dentries within the task's root; user space
 * removes {@code .}, {@code ..} and empty components lexically, without following symbolic
 * links. A successful open is the exception: its path is walked from the new file descriptor,
 * so symbolic links are resolved, and the path as given becomes the event's requestedPath. A
 * symlink's content is reported as given.
 *
 * <p>Drop counts: {@code ringbuf} counts records lost because the ring buffer was full;
 * {@code path_read}, {@code base_unresolved} and {@code cgroup_read} count records sent with a
 * path or cgroup name missing or left relative after a failed kernel read.
 */
@Component(
        service = Probe.class,
        configurationPid = FileProbe.PID,
        property = Probe.PROPERTY_NAME + "=" + FileProbe.NAME)
@Designate(ocd = FileProbe.Config.class)
public final class FileProbe extends AbstractProbe {

    static final String NAME = "file";
    static final String PID = "org.tarsier.probe.file";

    /** Configuration of the file probe. */
    @ObjectClassDefinition(
            name = "Tarsier file probe",
            description = "File operations with absolute paths from the syscall tracepoints")
    @interface Config {

        @AttributeDefinition(description = "Load and attach the BPF programs on activation")
        boolean autoload() default true;

        @AttributeDefinition(description = "Tasks to report: containers (tasks outside the"
                + " host's mount namespace) or all", options = {
                    @Option(value = Settings.SCOPE_CONTAINERS), @Option(value = Settings.SCOPE_ALL)
                })
        String scope() default Settings.SCOPE_CONTAINERS;

        @AttributeDefinition(description = "Opens to report: write (with O_WRONLY, O_RDWR,"
                + " O_CREAT, O_TRUNC or O_APPEND) or all; other operations are always reported",
                options = {@Option(value = Settings.OPENS_WRITE), @Option(value = Settings.OPENS_ALL)})
        String opens() default Settings.OPENS_WRITE;

        @AttributeDefinition(description = "Report only paths that start with one of these"
                + " absolute, normalised prefixes (whole components); empty reports all paths;"
                + " at most 16 of at most 255 bytes", required = false)
        String[] include_prefixes() default {};

        @AttributeDefinition(description = "Never report paths that start with one of these"
                + " prefixes; at most 16 of at most 255 bytes", required = false)
        String[] exclude_prefixes() default {};

        @AttributeDefinition(description = "With opens=write, also report read-only opens of"
                + " paths that start with one of these prefixes, matched against the opened"
                + " file's path (symbolic links resolved) and the path as given. One * may end"
                + " a component and matches the rest of it, as in /home/*/.ssh; at most 16;"
                + " empty reports no read-only open", required = false)
        String[] sensitive_read_prefixes() default {"/etc/shadow", "/etc/shadow-",
            "/etc/gshadow", "/etc/gshadow-", "/etc/sudoers", "/etc/sudoers.d",
            "/etc/master.passwd", "/etc/security/opasswd", "/root/.ssh", "/home/*/.ssh",
            "/var/lib/*/.ssh", "/etc/ssh/ssh_host_*"};

        @AttributeDefinition(description = "Interval in milliseconds at which the poller drains"
                + " the ring buffer, 10 to 10000; the kernel wakes it sooner only when 256 KiB"
                + " wait, so this bounds the delay of an event")
        int poll_timeout_ms() default 25;
    }

    @Reference
    private EventAdmin eventAdmin;

    @Reference(service = LoggerFactory.class)
    private Logger logger;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile ContainerResolver containerResolver;

    private final RecordDecoder decoder = new RecordDecoder(this::containerOf);
    private final AtomicBoolean hostNamespaceLogged = new AtomicBoolean();
    private volatile Settings settings = Settings.DEFAULTS;
    private byte[] objectBytes;

    /** Creates the component; DS calls it. */
    public FileProbe() {
        super(NAME, Arrays.stream(FileOperation.values()).map(Enum::name).toList(),
                FileObject.DROPS);
    }

    @Activate
    void activate(Config config) throws IOException {
        objectBytes = readResource(FileObject.RESOURCE);
        applyConfig(config);
        logger.info("file probe started: {}", settings);
        if (settings.autoload()) {
            try {
                load();
            } catch (ProbeException e) {
                // load() logged it; the component stays up so that an operator can retry.
            }
        }
    }

    @Modified
    void modified(Config config) {
        if (!applyConfig(config)) {
            return;
        }
        ProbeSession current = session();
        if (current != null) {
            current.setPollTimeoutMillis(settings.pollTimeoutMillis());
            try {
                FileObject.writeFilters(current.object(), settings, identity());
            } catch (BpfException | IOException | RuntimeException e) {
                logger.error("failed to update the file probe's kernel filters; user space"
                        + " applies the new settings to the records it receives: {}",
                        e.getMessage(), e);
            }
        }
        logger.info("file probe reconfigured: {}", settings);
    }

    @Deactivate
    void deactivate() {
        unload();
        logger.info("file probe stopped; events posted: {}", eventCounts());
    }

    @Override
    protected Logger logger() {
        return logger;
    }

    @Override
    protected ProbeSession startSession() throws BpfException {
        List<String> syscalls = SyscallTracepoints.available(SyscallTracepoints.TRACEFS_EVENTS);
        FileObject.Identity identity;
        try {
            identity = identity();
        } catch (IOException e) {
            throw new IllegalStateException("failed to read the host's mount namespace from "
                    + HostNamespace.INIT_LINK + " or " + HostNamespace.SELF_LINK + ": "
                    + e.getMessage(), e);
        }
        return FileObject.start(objectBytes, syscalls, settings, identity, decoder,
                this::accept, this::pollFailed);
    }

    private void accept(RecordDecoder.Decoded decoded) {
        if (EventFilter.accepts(settings, decoded)) {
            post(eventAdmin, decoded.event());
        }
    }

    /** Validates and applies a configuration; returns false if it was rejected. */
    private boolean applyConfig(Config config) {
        List<String> problems = Settings.problems(config.scope(), config.opens(),
                config.include_prefixes(), config.exclude_prefixes(),
                config.sensitive_read_prefixes(), config.poll_timeout_ms());
        if (!problems.isEmpty()) {
            for (String problem : problems) {
                logger.error("invalid configuration {}: {}; keeping the previous configuration"
                        + " ({})", PID, problem, settings);
            }
            return false;
        }
        settings = Settings.of(config.autoload(), config.scope(), config.opens(),
                config.include_prefixes(), config.exclude_prefixes(),
                config.sensitive_read_prefixes(), config.poll_timeout_ms());
        return true;
    }

    private FileObject.Identity identity() throws IOException {
        HostNamespace.MountNamespace host = HostNamespace.host();
        if (!host.source().equals(HostNamespace.INIT_LINK)
                && hostNamespaceLogged.compareAndSet(false, true)) {
            logger.warn("cannot read {}; the file probe takes the agent's own mount namespace"
                    + " ({}) as the host's, so scope=containers reports only tasks outside it",
                    HostNamespace.INIT_LINK, Integer.toUnsignedString(host.inode()));
        }
        return new FileObject.Identity(host.inode(), (int) ProcessHandle.current().pid());
    }

    private ContainerInfo containerOf(long cgroupId, String kernelPath) {
        return containerOf(containerResolver, cgroupId, kernelPath);
    }

    private void pollFailed(Exception e) {
        warnLimited("poll", "file probe failed to read or decode ring-buffer records: {}", e);
    }
}
