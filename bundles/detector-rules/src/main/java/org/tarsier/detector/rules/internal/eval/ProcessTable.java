package org.tarsier.detector.rules.internal.eval;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tarsier.api.event.Event;
import org.tarsier.api.event.ExecEvent;
import org.tarsier.api.event.ExitEvent;
import org.tarsier.api.event.ForkEvent;

/**
 * Processes seen in exec, fork and exit events, for parent and ancestor fields.
 *
 * <p>Bounded: beyond {@code capacity} entries the least recently used one is dropped, so a
 * process whose exec was never seen, or was dropped, is known only by its event header. Not
 * thread-safe; the engine calls it under its lock.
 */
public final class ProcessTable {

    /** Ancestors followed at most, so a loop in stale entries cannot hang a lookup. */
    static final int MAX_DEPTH = 32;

    private final Map<Integer, ProcessInfo> processes;

    /** Creates a table of at most {@code capacity} processes. */
    public ProcessTable(int capacity) {
        this.processes = new LinkedHashMap<>(1024, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<Integer, ProcessInfo> eldest) {
                return size() > capacity;
            }
        };
    }

    /** Records the process image from an exec, or the parent's image for a forked child. */
    public void beforeEvaluation(Event event) {
        if (event instanceof ExecEvent exec) {
            String filename = PathNames.resolve(exec.cwd(), exec.filename());
            String name = filename.substring(filename.lastIndexOf('/') + 1);
            if (name.isEmpty()) {
                name = exec.header().comm();
            }
            processes.put(exec.header().pid(), ProcessInfo.of(exec.header().pid(),
                    exec.header().ppid(), name, filename, exec.argv(), exec.cwd(),
                    exec.header().timeNanos(), exec.container().shortId(),
                    execParent(exec.header().ppid())));
        } else if (event instanceof ForkEvent fork && !fork.isThread()) {
            int parentPid = fork.header().pid();
            ProcessInfo parent = lookup(event);
            processes.put(fork.childPid(), parent.withParent(fork.childPid(), parentPid,
                    fork.header().timeNanos()));
        }
    }

    private ProcessInfo.ExecParent execParent(int ppid) {
        ProcessInfo parent = processes.get(ppid);
        if (parent == null) {
            return ProcessInfo.UNKNOWN_PARENT;
        }
        return new ProcessInfo.ExecParent(parent.exePath(), parent.execContainerId());
    }

    /** Drops a process after its exit event was evaluated. */
    public void forget(Event event) {
        if (event instanceof ExitEvent exit) {
            processes.remove(exit.header().pid());
        }
    }

    /** Returns the process of the event's task, from the table or else from its header. */
    public ProcessInfo lookup(Event event) {
        ProcessInfo known = processes.get(event.header().pid());
        if (known != null) {
            return known;
        }
        String comm = event.header().comm();
        return ProcessInfo.of(event.header().pid(), event.header().ppid(), comm, "",
                List.of(), "", 0, "", ProcessInfo.UNKNOWN_PARENT);
    }

    /** Returns the process with {@code pid}, or null. */
    public ProcessInfo get(int pid) {
        return processes.get(pid);
    }

    /** Returns the known ancestors of {@code process}, parent first. */
    public List<ProcessInfo> ancestors(ProcessInfo process) {
        List<ProcessInfo> chain = new ArrayList<>();
        int ppid = process.ppid();
        while (ppid > 0 && chain.size() < MAX_DEPTH) {
            ProcessInfo parent = processes.get(ppid);
            if (parent == null || parent.pid() == process.pid()) {
                break;
            }
            chain.add(parent);
            ppid = parent.ppid();
        }
        return chain;
    }

    /** Returns the number of processes held. */
    public int size() {
        return processes.size();
    }
}
