package org.tarsier.injector.run;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * Docker labels that tie a container to the injector run that created it, so that a later run
 * can tell the leftovers of a crashed run from the containers of a run that is still going.
 */
public final class RunLabels {

    /** Present on every container the injector creates. */
    public static final String MARKER = "org.tarsier.injector";
    /** Run id. */
    public static final String RUN = "org.tarsier.injector.run";
    /** Process id of the injector that created the container. */
    public static final String PID = "org.tarsier.injector.pid";
    /** Start time of that process, so that a reused pid is not taken for the same process. */
    public static final String PROCESS_START = "org.tarsier.injector.process-start";
    public static final String SCENARIO = "org.tarsier.injector.scenario";
    public static final String KIND = "org.tarsier.injector.kind";

    private RunLabels() {
    }

    /** Returns whether the injector process recorded in {@code labels} is still running. */
    static boolean ownerAlive(Map<String, String> labels) {
        long pid;
        try {
            pid = Long.parseLong(labels.getOrDefault(PID, ""));
        } catch (NumberFormatException e) {
            return false;
        }
        Optional<ProcessHandle> process = ProcessHandle.of(pid);
        if (process.isEmpty() || !process.get().isAlive()) {
            return false;
        }
        String recorded = labels.getOrDefault(PROCESS_START, "");
        return process.get().info().startInstant().map(Instant::toString)
                .map(recorded::equals).orElse(false);
    }

    /** Returns the start time of this process as recorded in {@link #PROCESS_START}. */
    static String currentProcessStart() {
        return ProcessHandle.current().info().startInstant().map(Instant::toString).orElse("");
    }
}
