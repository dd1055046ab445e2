package org.tarsier.detector.rules.internal.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.tarsier.detector.rules.internal.eval.Events.CONTAINER;
import static org.tarsier.detector.rules.internal.eval.Events.HOST;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tarsier.api.alert.Alert;
import org.tarsier.api.container.ContainerInfo;
import org.tarsier.api.event.Event;
import org.tarsier.api.event.EventHeader;
import org.tarsier.api.event.ExecEvent;
import org.tarsier.api.event.ForkEvent;
import org.tarsier.api.event.SyscallEvent;
import org.tarsier.api.event.TcpEvent;
import org.tarsier.api.event.TcpOperation;
import org.tarsier.detector.rules.internal.RulesManager;

/**
 * The default rules on event sequences that arrive in another order than the kernel produced
 * them, as when the process probe's poller runs behind the syscall or TCP probe's.
 */
class EventOrderTest {

    private static final long MS = 1_000_000L;
    private static final long T0 = 1_700_000_000_000L * MS;

    private long now;
    private final ReorderBuffer buffer = new ReorderBuffer(50 * MS, 1024, () -> now);

    /** Adds events in arrival order, one millisecond apart, and evaluates what comes out. */
    private List<Alert> evaluateReordered(Rules rules, List<Event> arrivals) {
        List<Alert> alerts = new ArrayList<>();
        for (Event event : arrivals) {
            buffer.add(event);
            now += MS;
            buffer.releaseDue().forEach(e -> alerts.addAll(rules.alerts(e)));
        }
        now += 100 * MS;
        buffer.releaseDue().forEach(e -> alerts.addAll(rules.alerts(e)));
        return alerts;
    }

    private static List<Alert> evaluateAsArrived(Rules rules, List<Event> arrivals) {
        List<Alert> alerts = new ArrayList<>();
        arrivals.forEach(e -> alerts.addAll(rules.alerts(e)));
        return alerts;
    }

    private static EventHeader header(long offsetMillis, int pid, int ppid, String comm) {
        return new EventHeader(T0 + offsetMillis * MS, 4242, pid, pid, ppid, 0, 0, comm);
    }

    private static ExecEvent exec(long at, ContainerInfo container, int pid, int ppid,
            String filename, String... argv) {
        String comm = filename.substring(filename.lastIndexOf('/') + 1);
        return new ExecEvent(header(at, pid, ppid, comm), container, filename, List.of(argv),
                false, "/", "docker/x");
    }

    private static SyscallEvent mount(long at, int pid, int ppid, String comm) {
        return new SyscallEvent(header(at, pid, ppid, comm), CONTAINER, 165, "mount",
                List.of(0L, 0L, 0L, 0L, 0L, 0L), Map.of("source", "proc", "target", "/proc"),
                0, "");
    }

    /** Returns the events of a shell whose child execs nc, which connects to a pool port. */
    private static List<Event> connectBeforeItsExec() {
        ExecEvent shell = exec(0, CONTAINER, 200, 100, "/bin/sh", "sh", "-c", "nc pool 3333");
        ForkEvent fork = new ForkEvent(header(1, 200, 100, "sh"), CONTAINER, 201, 201);
        ExecEvent nc = exec(2, CONTAINER, 201, 200, "/bin/nc", "nc", "pool", "3333");
        TcpEvent connect = new TcpEvent(header(4, 201, 200, "nc"), CONTAINER,
                TcpOperation.CONNECT, 4, "10.0.0.2", 40000, "10.0.0.9", 3333, 0, "", "", "", 0,
                0, 0);
        return List.of(shell, fork, connect, nc);
    }

    private static String poolAlertCmdline(List<Alert> alerts) {
        return alerts.stream().filter(a -> a.rule().equals("Connection to mining pool port"))
                .map(a -> String.valueOf(a.fields().get("proc.cmdline"))).findFirst()
                .orElse("no alert");
    }

    @Test
    void connectArrivingFirstNamesParentWithoutBuffer() throws Exception {
        Rules rules = Rules.of(List.of(RulesManager.defaultSource()));

        List<Alert> alerts = evaluateAsArrived(rules, connectBeforeItsExec());

        assertEquals("sh -c nc pool 3333", poolAlertCmdline(alerts));
    }

    @Test
    void connectArrivingFirstNamesItsOwnExec() throws Exception {
        Rules rules = Rules.of(List.of(RulesManager.defaultSource()));

        List<Alert> alerts = evaluateReordered(rules, connectBeforeItsExec());

        assertEquals("nc pool 3333", poolAlertCmdline(alerts));
    }

    /**
     * Returns the events of runc on the host exec'ing its init from a memory file, the init
     * forking and the child mounting, with the mounts first, as the syscall probe delivered them
     * ahead of the process probe's execs.
     */
    private static List<Event> runcMountsBeforeTheirExecs() {
        ExecEvent shim = exec(0, HOST, 10, 1, "/usr/bin/containerd-shim-runc-v2",
                "containerd-shim-runc-v2");
        ExecEvent runc = exec(1, HOST, 20, 10, "/usr/sbin/runc", "runc", "create");
        ExecEvent init = exec(2, HOST, 30, 20, "/dev/fd/6", "runc", "init");
        ForkEvent fork = new ForkEvent(header(3, 30, 20, "runc:[1:CHILD]"), CONTAINER, 31, 31);
        List<Event> arrivals = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            arrivals.add(mount(4 + i, 31, 30, "runc:[2:INIT]"));
        }
        arrivals.addAll(List.of(shim, runc, init, fork));
        return arrivals;
    }

    private static long mountAlerts(List<Alert> alerts) {
        return alerts.stream().filter(a -> a.rule().equals("Mount from container")).count();
    }

    @Test
    void runcMountsArrivingFirstAlertWithoutBuffer() throws Exception {
        Rules rules = Rules.of(List.of(RulesManager.defaultSource()));

        List<Alert> alerts = evaluateAsArrived(rules, runcMountsBeforeTheirExecs());

        assertEquals(10, mountAlerts(alerts));
    }

    @Test
    void runcMountsArrivingFirstRaiseNoAlert() throws Exception {
        Rules rules = Rules.of(List.of(RulesManager.defaultSource()));

        List<Alert> alerts = evaluateReordered(rules, runcMountsBeforeTheirExecs());

        assertEquals(0, mountAlerts(alerts));
    }
}
