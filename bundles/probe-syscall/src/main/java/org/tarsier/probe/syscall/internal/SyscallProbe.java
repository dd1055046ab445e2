package org.tarsier.probe.syscall.internal;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

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
import org.tarsier.api.Topics;
import org.tarsier.api.container.ContainerInfo;
import org.tarsier.api.container.ContainerResolver;
import org.tarsier.api.event.SyscallCountEvent;
import org.tarsier.api.event.SyscallEvent;
import org.tarsier.api.probe.Probe;
import org.tarsier.api.probe.ProbeException;
import org.tarsier.libbpf.BpfException;
import org.tarsier.libbpf.probe.AbstractProbe;
import org.tarsier.libbpf.probe.ProbeSession;

/**
 * The syscall probe: posts one {@link SyscallCountEvent} per cgroup and count window on
 * {@link Topics#SYSCALL_COUNTS}, and one {@link SyscallEvent} per call of the selected syscalls
 * on {@link Topics#SYSCALL_SYSCALL}, including calls the kernel rejects.
 *
 * <p>Unless {@code host} is true, only tasks in containers are counted and reported. The kernel
 * decides per syscall: a task is in a container when its PID namespace is not the initial one
 * and its cgroup is not in {@code host.cgroups}. So containers that share the host's PID
 * namespace ({@code docker run --pid=host}) count as host, and host processes that run in a PID
 * namespace of their own (sandboxes, {@code unshare -p}) count as containers unless their cgroup
 * is listed.
 *
 * <p>Drop counts: {@code ringbuf} counts syscall records lost because the ring buffer was full;
 * {@code counts_full} syscalls not counted because the counts map of the window was full;
 * {@code pending_full} enter records not stored, whose calls are then reported with arguments
 * read at exit; {@code string_read} string arguments sent empty because neither sys_enter nor
 * sys_exit could read them; {@code cgroup_read} and {@code names_full} cgroup names missing
 * for container attribution; {@code decode} records that user space failed to decode.
 */
@Component(
        service = Probe.class,
        configurationPid = SyscallProbe.PID,
        property = Probe.PROPERTY_NAME + "=" + SyscallProbe.NAME)
@Designate(ocd = SyscallProbe.Config.class)
public final class SyscallProbe extends AbstractProbe {

    static final String NAME = "syscall";
    static final String PID = "org.tarsier.probe.syscall";

    /** Configuration of the syscall probe. */
    @ObjectClassDefinition(
            name = "Tarsier syscall probe",
            description = "Syscall counts per cgroup and events for selected syscalls")
    @interface Config {

        @AttributeDefinition(description = "Load and attach the BPF programs on activation")
        boolean autoload() default true;

        @AttributeDefinition(description = "Length of a count window in milliseconds, 100 to"
                + " 3600000; one count event per cgroup is posted per window")
        int window_ms() default 1000;

        @AttributeDefinition(description = "Count and report processes outside containers too")
        boolean host() default false;

        @AttributeDefinition(description = "cgroup v2 ids, or absolute paths of cgroup v2"
                + " directories, whose processes count as host processes")
        String[] host_cgroups() default {};

        @AttributeDefinition(description = "Syscalls reported with one event per call,"
                + " successful or not, by name")
        String[] syscalls() default {"ptrace", "mount", "umount2", "setns", "unshare",
            "init_module", "finit_module", "delete_module", "bpf", "memfd_create", "kexec_load",
            "chroot", "pivot_root"};

        @AttributeDefinition(description = "Entries of the in-kernel counts map, one per cgroup"
                + " and syscall seen in a window, 64 to 1048576; applies at the next load")
        int counts_max_entries() default 16384;

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

    private final SyscallTable table = SyscallTable.forRunningArchitecture();
    private final RecordDecoder decoder = new RecordDecoder(table, this::containerOf);
    private final LongAdder decodeFailures = new LongAdder();
    private volatile Settings settings = Settings.DEFAULTS;
    private byte[] objectBytes;

    /** Creates the component; DS calls it. */
    public SyscallProbe() {
        super(NAME, List.of(SyscallCountEvent.KIND, SyscallEvent.KIND), SyscallObject.DROPS);
    }

    @Activate
    void activate(Config config) throws IOException {
        objectBytes = readResource(SyscallObject.RESOURCE);
        applyConfig(config);
        logger.info("syscall probe started on {}: {}", table.architecture(), settings);
        if (settings.autoload()) {
            try {
                load();
            } catch (ProbeException e) {
                // load() logged it; the component stays up so that an operator can retry.
            }
        }
    }

    @Modified
    synchronized void modified(Config config) {
        Settings previous = settings;
        if (!applyConfig(config)) {
            return;
        }
        ProbeSession current = session();
        if (current != null) {
            applyLive(current, previous, settings);
        }
        logger.info("syscall probe reconfigured: {}{}", settings,
                current != null && previous.countsMaxEntries() != settings.countsMaxEntries()
                        ? "; counts.max.entries applies at the next load" : "");
    }

    @Deactivate
    void deactivate() {
        unload();
        logger.info("syscall probe stopped; events posted: {}", eventCounts());
    }

    @Override
    protected Logger logger() {
        return logger;
    }

    @Override
    protected ProbeSession startSession() throws BpfException {
        return SyscallObject.start(objectBytes, settings, table, decoder,
                event -> post(eventAdmin, event), this::pollFailed);
    }

    @Override
    protected Map<String, Long> dropCountsOutsideKernel() {
        return Map.of("decode", decodeFailures.sum());
    }

    private void applyLive(ProbeSession current, Settings previous, Settings next) {
        current.setPollTimeoutMillis(next.pollTimeoutMillis());
        current.setPeriod(Duration.ofMillis(next.windowMillis()));
        try {
            ProbeMaps.writeHostCgroups(current.object(), previous.hostCgroups(),
                    next.hostCgroups());
            ProbeMaps.writeIncludeHost(current.object(), next.includeHost());
            ProbeMaps.writeSelection(current.object(), table, next.syscalls());
        } catch (BpfException | RuntimeException e) {
            logger.error("failed to apply the configuration {} to the loaded syscall probe: {};"
                    + " the kernel maps may hold a mix of old and new settings until the next"
                    + " load", PID, e.getMessage(), e);
        }
    }

    /**
     * Splits comma-separated elements, because a FileInstall {@code .cfg} file delivers a list
     * as one string such as {@code ptrace,mount}.
     */
    static String[] splitCommas(String[] values) {
        return java.util.Arrays.stream(values)
                .flatMap(value -> java.util.Arrays.stream(value.split(",")))
                .map(String::trim)
                .filter(value -> !value.isEmpty())
                .toArray(String[]::new);
    }

    /** Returns whether the configuration was valid and is now the current one. */
    private boolean applyConfig(Config config) {
        Settings.Result result = Settings.parse(config.autoload(), config.window_ms(),
                config.host(), splitCommas(config.host_cgroups()), splitCommas(config.syscalls()),
                config.counts_max_entries(), config.poll_timeout_ms(), table);
        if (!result.problems().isEmpty()) {
            for (String problem : result.problems()) {
                logger.error("invalid configuration {}: {}; keeping the previous configuration"
                        + " ({})", PID, problem, settings);
            }
            return false;
        }
        settings = result.settings();
        return true;
    }

    private ContainerInfo containerOf(long cgroupId, String kernelPath) {
        return containerOf(containerResolver, cgroupId, kernelPath);
    }

    private void pollFailed(Exception e) {
        if (e instanceof IllegalArgumentException) {
            decodeFailures.increment();
        }
        warnLimited("poll", "syscall probe failed to read, decode or count records: {}", e);
    }
}
