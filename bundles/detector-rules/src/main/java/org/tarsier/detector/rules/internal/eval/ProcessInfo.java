package org.tarsier.detector.rules.internal.eval;

import java.util.List;

/**
 * Process table entry of one process.
 *
 * @param pid process id
 * @param ppid parent process id
 * @param name executable name without its path
 * @param exePath executable path as the kernel resolved it at exec
 * @param argv arguments, {@code argv[0]} first
 * @param args the arguments after {@code argv[0]} joined by spaces, kept because rules read it
 *     on many events of the same process
 * @param cmdline the name followed by {@code args}, as Falco's {@code proc.cmdline}
 * @param cwd working directory at exec, empty when unknown
 * @param startNanos wall-clock time of the fork or exec that created this entry, 0 if unknown
 * @param execContainerId short id of the container the task was in at its exec, {@code host}
 *     outside containers, empty when the exec was not seen
 * @param execParent the parent's {@link ExecParent} at this image's exec, kept across forks
 */
public record ProcessInfo(int pid, int ppid, String name, String exePath, List<String> argv,
        String args, String cmdline, String cwd, long startNanos, String execContainerId,
        ExecParent execParent) {

    /** No parent known at the exec. */
    public static final ExecParent UNKNOWN_PARENT = new ExecParent("", "");

    /**
     * The parent of a process at the moment the process exec'd its image. Unlike the live
     * parent it survives the parent's exit, reparenting and forks of the exec'd image.
     *
     * @param exePath the parent's executable path, empty when unknown
     * @param execContainerId short id of the container the parent was in at its own exec
     */
    public record ExecParent(String exePath, String execContainerId) {
    }

    public ProcessInfo {
        argv = List.copyOf(argv);
    }

    /** Returns an entry whose {@code args} and {@code cmdline} are built from {@code argv}. */
    public static ProcessInfo of(int pid, int ppid, String name, String exePath,
            List<String> argv, String cwd, long startNanos, String execContainerId,
            ExecParent execParent) {
        String args = argv.size() <= 1 ? "" : String.join(" ", argv.subList(1, argv.size()));
        return new ProcessInfo(pid, ppid, name, exePath, argv, args,
                args.isEmpty() ? name : name + " " + args, cwd, startNanos, execContainerId,
                execParent);
    }

    /** Returns {@code argv[0]}, or the name when the arguments are unknown. */
    public String exe() {
        return argv.isEmpty() ? name : argv.get(0);
    }

    /** Returns this process with another parent, as after a fork or a reparenting. */
    public ProcessInfo withParent(int newPid, int newPpid, long forkNanos) {
        return new ProcessInfo(newPid, newPpid, name, exePath, argv, args, cmdline, cwd,
                forkNanos, execContainerId, execParent);
    }
}
