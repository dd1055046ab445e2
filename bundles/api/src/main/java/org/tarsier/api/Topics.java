package org.tarsier.api;

/**
 * Event Admin topics and event property keys.
 *
 * <p>Topics name the probe and the event kind, for example {@code org/tarsier/event/process/EXEC}.
 * Dynamic values such as container ids never appear in a topic; they travel in properties.
 */
public final class Topics {

    /** Prefix of every event topic; subscribe to {@code EVENT_PREFIX + "*"} for all events. */
    public static final String EVENT_PREFIX = "org/tarsier/event/";

    /** Prefix of every alert topic; a detector posts on {@code ALERT_PREFIX + detectorName}. */
    public static final String ALERT_PREFIX = "org/tarsier/alert/";

    /** Topic of {@link org.tarsier.api.event.ExecEvent}s from the process probe. */
    public static final String PROCESS_EXEC = EVENT_PREFIX + "process/EXEC";
    /** Topic of {@link org.tarsier.api.event.ForkEvent}s from the process probe. */
    public static final String PROCESS_FORK = EVENT_PREFIX + "process/FORK";
    /** Topic of {@link org.tarsier.api.event.ExitEvent}s from the process probe. */
    public static final String PROCESS_EXIT = EVENT_PREFIX + "process/EXIT";

    /** Topic of the syscall probe's per-window {@link org.tarsier.api.event.SyscallCountEvent}s. */
    public static final String SYSCALL_COUNTS = EVENT_PREFIX + "syscall/COUNTS";
    /** Topic of the syscall probe's per-call {@link org.tarsier.api.event.SyscallEvent}s. */
    public static final String SYSCALL_SYSCALL = EVENT_PREFIX + "syscall/SYSCALL";

    /** Prefix of the file probe's topics; the last token is a {@code FileOperation} name. */
    public static final String FILE_PREFIX = EVENT_PREFIX + "file/";

    /** Prefix of the tcp probe's topics; the last token is a {@code TcpOperation} name. */
    public static final String TCP_PREFIX = EVENT_PREFIX + "tcp/";

    /** Prefix of every score topic; a scoring detector posts on {@code SCORE_PREFIX + name}. */
    public static final String SCORE_PREFIX = "org/tarsier/score/";

    /** Topic of per-container feature windows, posted by the feature extractor. */
    public static final String FEATURE_WINDOW = "org/tarsier/feature/WINDOW";

    /** Prefix of the agent's lifecycle topics. */
    public static final String AGENT_PREFIX = "org/tarsier/agent/";

    /**
     * Topic sent synchronously when the agent begins a graceful shutdown, before any probe is
     * detached, so that the readiness endpoint reports the agent as not ready.
     *
     * @since 1.3
     */
    public static final String AGENT_STOPPING = AGENT_PREFIX + "STOPPING";

    /**
     * Topic of the exporter's periodic liveness events; their delivery shows that Event Admin
     * still dispatches asynchronous events.
     *
     * @since 1.3
     */
    public static final String AGENT_HEARTBEAT = AGENT_PREFIX + "HEARTBEAT";

    /** Property holding the {@link org.tarsier.api.feature.FeatureWindow} record itself. */
    public static final String PROPERTY_FEATURES = "tarsier.features";

    /** Property holding the {@link org.tarsier.api.event.Event} record itself. */
    public static final String PROPERTY_EVENT = "tarsier.event";

    /** Property holding the {@link org.tarsier.api.alert.Alert} record itself. */
    public static final String PROPERTY_ALERT = "tarsier.alert";

    /** Property holding the {@link org.tarsier.api.detector.Score} record itself. */
    public static final String PROPERTY_SCORE = "tarsier.score";

    /** Property holding the name of the probe that produced an event, for example {@code process}. */
    public static final String PROPERTY_PROBE = "tarsier.probe";

    /** Property holding the container id, or {@code host}; usable in Event Admin filters. */
    public static final String PROPERTY_CONTAINER_ID = "container.id";

    private Topics() {
    }

    /** Returns the topic of events of {@code kind} from {@code probe}, e.g. process and EXEC. */
    public static String eventTopic(String probe, String kind) {
        return EVENT_PREFIX + probe + "/" + kind;
    }

    /** Returns the alert topic of the named detector, e.g. {@code org/tarsier/alert/rules}. */
    public static String alertTopic(String detector) {
        return ALERT_PREFIX + detector;
    }

    /** Returns the score topic of the named detector, e.g. {@code org/tarsier/score/iforest}. */
    public static String scoreTopic(String detector) {
        return SCORE_PREFIX + detector;
    }
}
