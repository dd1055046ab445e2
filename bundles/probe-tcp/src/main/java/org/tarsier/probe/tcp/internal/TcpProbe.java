package org.tarsier.probe.tcp.internal;

import java.io.IOException;
import java.util.Arrays;
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
import org.tarsier.api.event.TcpOperation;
import org.tarsier.api.probe.Probe;
import org.tarsier.api.probe.ProbeException;
import org.tarsier.libbpf.BpfException;
import org.tarsier.libbpf.probe.AbstractProbe;
import org.tarsier.libbpf.probe.ProbeSession;

/**
 * The TCP probe: posts CONNECT, ACCEPT, LISTEN, CLOSE and, when configured, STATE events on
 * {@link Topics#TCP_PREFIX} followed by the {@link TcpOperation} name.
 *
 * <p>State changes often run in softirq context, so events name the socket's owner: the task
 * that connected, listened or accepted, remembered in the kernel per socket. A socket that a
 * listener created belongs to the listener's owner until a task accepts it. Sockets connected or
 * accepted before the probe was loaded have no owner: their events carry the socket's cgroup and
 * zero task fields, and count as {@code owner_missing}.
 *
 * <p>By default only sockets of tasks in containers are reported; a task runs in a container
 * when it is outside the initial PID namespace. Loopback connections are reported like others.
 *
 * <p>Drop counts: {@code ringbuf} counts records lost because the ring buffer was full;
 * {@code owner_missing} and {@code cgroup_missing} count events sent without task fields or
 * cgroup path; {@code connect_tracking} counts connect calls that could not be tracked, whose
 * failures before the handshake are lost.
 */
@Component(
        service = Probe.class,
        configurationPid = TcpProbe.PID,
        property = Probe.PROPERTY_NAME + "=" + TcpProbe.NAME)
@Designate(ocd = TcpProbe.Config.class)
public final class TcpProbe extends AbstractProbe {

    static final String NAME = "tcp";
    static final String PID = "org.tarsier.probe.tcp";

    /** Configuration of the TCP probe. */
    @ObjectClassDefinition(
            name = "Tarsier TCP probe",
            description = "TCP connect, accept, listen, close and state-change events from BPF"
                    + " tracepoints")
    @interface Config {

        @AttributeDefinition(description = "Load and attach the BPF programs on activation")
        boolean autoload() default true;

        @AttributeDefinition(description = "Report sockets of host processes too; false"
                + " reports only sockets of processes in containers. Applies immediately")
        boolean host() default false;

        @AttributeDefinition(description = "Post a STATE event for every TCP state change."
                + " Applies immediately")
        boolean states() default false;

        @AttributeDefinition(description = "Number of sockets whose owning task the kernel"
                + " remembers at once, 1024 to 1048576; applies at the next load")
        int owner_map_entries() default 65_536;

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
    private volatile Settings settings = Settings.DEFAULTS;
    private byte[] objectBytes;

    /** Creates the component; DS calls it. */
    public TcpProbe() {
        super(NAME, Arrays.stream(TcpOperation.values()).map(Enum::name).toList(),
                TcpObject.DROPS);
    }

    @Activate
    void activate(Config config) throws IOException {
        objectBytes = readResource(TcpObject.RESOURCE);
        applyConfig(config);
        logger.info("tcp probe started: {}", settings);
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
        decoder.setHostIncluded(settings.host());
        ProbeSession current = session();
        if (current != null) {
            current.setPollTimeoutMillis(settings.pollTimeoutMillis());
            try {
                TcpObject.writeFilter(current.object(), settings);
            } catch (BpfException | RuntimeException e) {
                logger.error("failed to apply host={} and states={} to the loaded tcp probe;"
                        + " they apply at the next load: {}", settings.host(), settings.states(),
                        e.getMessage(), e);
            }
        }
        logger.info("tcp probe reconfigured: {}{}", settings,
                current != null && previous.needsReload(settings)
                        ? "; " + Settings.OWNER_MAP_ENTRIES + " applies at the next load" : "");
    }

    @Deactivate
    void deactivate() {
        unload();
        logger.info("tcp probe stopped; events posted: {}", eventCounts());
    }

    @Override
    protected Logger logger() {
        return logger;
    }

    @Override
    protected ProbeSession startSession() throws BpfException {
        return TcpObject.start(objectBytes, settings, decoder, event -> post(eventAdmin, event),
                this::pollFailed);
    }

    private void applyConfig(Config config) {
        List<String> problems = Settings.problems(config.owner_map_entries(),
                config.poll_timeout_ms());
        if (!problems.isEmpty()) {
            for (String problem : problems) {
                logger.error("invalid configuration {}: {}; keeping the previous configuration"
                        + " ({})", PID, problem, settings);
            }
            return;
        }
        settings = new Settings(config.autoload(), config.host(), config.states(),
                config.owner_map_entries(), config.poll_timeout_ms());
    }

    private ContainerInfo containerOf(long cgroupId, String kernelPath) {
        return containerOf(containerResolver, cgroupId, kernelPath);
    }

    private void pollFailed(Exception e) {
        warnLimited("poll", "tcp probe failed to read or decode ring-buffer records: {}", e);
    }
}
