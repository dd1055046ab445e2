package org.tarsier.api.event;

import java.util.List;

import org.tarsier.api.container.ContainerInfo;

/**
 * A successful execve or execveat.
 *
 * @param header the task after the exec
 * @param container the container of the task
 * @param filename path of the executed file as the kernel resolved it
 * @param argv arguments, {@code argv[0]} first, cut after the probe's argument bound
 * @param argvTruncated whether arguments or their bytes were cut at the bound
 * @param cwd working directory of the task, empty if it could not be read
 * @param cgroupPath trailing components of the cgroup path, read in the kernel
 */
public record ExecEvent(
        EventHeader header,
        ContainerInfo container,
        String filename,
        List<String> argv,
        boolean argvTruncated,
        String cwd,
        String cgroupPath)
        implements Event {

    /** Event kind, the last token of the topic of exec events. */
    public static final String KIND = "EXEC";

    /** Creates the event with unmodifiable copies of its collections. */
    public ExecEvent {
        argv = List.copyOf(argv);
    }

    @Override
    public String probe() {
        return "process";
    }

    @Override
    public String kind() {
        return KIND;
    }

    /** Returns the arguments joined by spaces, as {@code ps} prints a command line. */
    public String cmdline() {
        return String.join(" ", argv);
    }
}
