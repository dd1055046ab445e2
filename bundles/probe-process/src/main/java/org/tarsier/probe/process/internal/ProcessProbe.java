package org.tarsier.probe.process.internal;

import java.io.IOException;
import java.util.List;

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
import org.tarsier.api.event.ExecEvent;
import org.tarsier.api.event.ExitEvent;
import org.tarsier.api.event.ForkEvent;
import org.tarsier.api.probe.Probe;
import org.tarsier.api.probe.ProbeException;
import org.tarsier.libbpf.BpfException;
import org.tarsier.libbpf.probe.AbstractProbe;
import org.tarsier.libbpf.probe.ProbeSession;

/**
 * The process probe: posts exec, fork and exit events on {@link Topics#PROCESS_EXEC},
 * {@link Topics#PROCESS_FORK} and {@link Topics#PROCESS_EXIT}.
 *
 * <p>Events carry the container that a {@link ContainerResolver} reports for the task's cgroup.
 * While no resolver is registered, every event carries {@link ContainerInfo#HOST_INFO}, also for
 * tasks that run in containers. Exec events always carry the cgroup path read in the kernel.
 *
 * <p>Drop counts: {@code ringbuf} counts records lost because the ring buffer was full;
 * {@code filename_read}, {@code argv_read}, {@code cwd_read} and {@code cgroup_read} count exec
 * records sent with that field missing or cut after a failed kernel read.
 */
@Component(
        service = Probe.class,
        configurationPid = ProcessProbe.PID,
        property = Probe.PROPERTY_NAME + "=" + ProcessProbe.NAME)
@Designate(ocd = ProcessProbe.Config.class)
public final class ProcessProbe extends AbstractProbe {

    static final String NAME = "process";
    static final String PID = "org.tarsier.probe.process";

    /** Configuration of the process probe. */
    @ObjectClassDefinition(
            name = "Tarsier process probe",
            description = "Exec, fork and exit events from BPF tracepoints")
    @interface Config {

        @AttributeDefinition(description = "Load and attach the BPF programs on activation")
        boolean autoload() default true;

        @AttributeDefinition(description = "Maximum number of exec arguments copied, 1 to 64;"
                + " applies at the next load")
        int argv_max() default 16;

        @AttributeDefinition(description = "Maximum bytes of exec arguments copied, 16 to 4096;"
                + " applies at the next load")
        int argv_max_bytes() default 1024;

        @AttributeDefinition(description = "Interval in milliseconds at which the poller drains"
                + " the ring buffer, 10 to 10000; the kernel wakes it sooner only when 256 KiB"
                + " wait, so this bounds the delay of an event")
        int poll_timeout_ms() default 25;

        @AttributeDefinition(description = "Tracepoint of the exec program as category/name;"
                + " applies at the next load. Only for testing attach failures: another"
                + " tracepoint has another record layout")
        String exec_tracepoint() default "sched/sched_process_exec";
    }

    @Reference
    private EventAdmin eventAdmin;

    @Reference(service = LoggerFactory.class)
    private Logger logger;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile ContainerResolver containerResolver;

    private final RecordDecoder decoder = new RecordDecoder(this::containerOf);
    private volatile Settings settings = Settings.DEFAULTS;
    private byte[] objectBytes;

    /** Creates the component; DS calls it. */
    public ProcessProbe() {
        super(NAME, List.of(ExecEvent.KIND, ForkEvent.KIND, ExitEvent.KIND), ProcessObject.DROPS);
    }

    @Activate
    void activate(Config config) throws IOException {
        objectBytes = readResource(ProcessObject.RESOURCE);
        applyConfig(config);
        logger.info("process probe started: {}", settings);
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
        Settings previous = settings;
        applyConfig(config);
        ProbeSession current = session();
        if (current != null) {
            current.setPollTimeoutMillis(settings.pollTimeoutMillis());
        }
        logger.info("process probe reconfigured: {}{}", settings,
                current != null && !sameLoadSettings(previous, settings)
                        ? "; argv and tracepoint settings apply at the next load" : "");
    }

    @Deactivate
    void deactivate() {
        unload();
        logger.info("process probe stopped; events posted: {}", eventCounts());
    }

    @Override
    protected Logger logger() {
        return logger;
    }

    @Override
    protected ProbeSession startSession() throws BpfException {
        return ProcessObject.start(objectBytes, settings, decoder, event -> post(eventAdmin, event),
                this::pollFailed);
    }

    private void applyConfig(Config config) {
        List<String> problems = Settings.problems(config.argv_max(), config.argv_max_bytes(),
                config.poll_timeout_ms(), config.exec_tracepoint());
        if (!problems.isEmpty()) {
            for (String problem : problems) {
                logger.error("invalid configuration {}: {}; keeping the previous configuration"
                        + " ({})", PID, problem, settings);
            }
            return;
        }
        settings = new Settings(config.autoload(), config.argv_max(), config.argv_max_bytes(),
                config.poll_timeout_ms(), config.exec_tracepoint());
    }

    private static boolean sameLoadSettings(Settings a, Settings b) {
        return a.maxArgs() == b.maxArgs() && a.maxArgsBytes() == b.maxArgsBytes()
                && a.execTracepoint().equals(b.execTracepoint());
    }

    private ContainerInfo containerOf(long cgroupId, String kernelPath) {
        return containerOf(containerResolver, cgroupId, kernelPath);
    }

    private void pollFailed(Exception e) {
        warnLimited("poll", "process probe failed to read or decode ring-buffer records: {}", e);
    }
}
