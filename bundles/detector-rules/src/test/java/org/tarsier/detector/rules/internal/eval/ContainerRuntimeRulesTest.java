package org.tarsier.detector.rules.internal.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tarsier.detector.rules.internal.eval.Events.CONTAINER;
import static org.tarsier.detector.rules.internal.eval.Events.HOST;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.tarsier.api.event.Event;
import org.tarsier.api.event.SyscallEvent;
import org.tarsier.detector.rules.internal.RulesManager;

/**
 * The default rules tell runc's container setup apart from workload behaviour, following the
 * sequence runc 1.1 produces: runc on the host execs its init from /dev/fd/N, the init joins the
 * container's cgroup, mounts, and then execs the entrypoint.
 */
class ContainerRuntimeRulesTest {

    private static final int SHIM = 10;
    private static final int RUNC = 20;
    private static final int INIT = 30;

    private Rules rules;

    @BeforeEach
    void defaults() throws Exception {
        rules = Rules.of(List.of(RulesManager.defaultSource()));
    }

    private List<String> runcStartsInit() {
        rules.fired(Events.exec(HOST, SHIM, 1, "/usr/bin/containerd-shim-runc-v2",
                "containerd-shim-runc-v2"));
        rules.fired(Events.exec(HOST, RUNC, SHIM, "/usr/sbin/runc", "runc", "create"));
        return rules.fired(Events.exec(HOST, INIT, RUNC, "/dev/fd/6", "runc", "init"));
    }

    private static Event mount(int pid, String comm) {
        return mount(pid, 1, comm);
    }

    private static Event mount(int pid, int ppid, String comm) {
        return new SyscallEvent(Events.header(pid, ppid, comm), CONTAINER, 165, "mount",
                List.of(0L, 0L, 0L, 0L, 0L, 0L),
                Map.of("source", "proc", "target", "/proc/self/fd/6"), 0, "");
    }

    @Test
    void runcInitExecIsNotFileless() {
        assertEquals(List.of(), runcStartsInit());
    }

    @Test
    void lateCgroupJoinIsNotFileless() {
        rules.fired(Events.exec(HOST, RUNC, SHIM, "/usr/sbin/runc", "runc", "create"));

        assertEquals(List.of(), rules.fired(Events.exec(CONTAINER, INIT, RUNC, "/dev/fd/6",
                "runc", "init")));
    }

    @Test
    void forkedInitStagesMountsAreNotAlerts() {
        runcStartsInit();
        rules.fired(Events.fork(CONTAINER, 2_000_000_000L, INIT, INIT + 1));
        rules.fired(Events.exit(CONTAINER, INIT));

        assertEquals(List.of(), rules.fired(mount(INIT + 1, INIT, "runc:[2:INIT]")));
    }

    @Test
    void hostRuncChildMountIsSilent() {
        runcStartsInit();

        assertEquals(List.of(), rules.fired(mount(INIT + 2, RUNC, "runc:[2:INIT]")));
    }

    @Test
    void dockerExecCommandBeforeItsExecFires() {
        runcStartsInit();

        List<String> fired = rules.fired(mount(INIT + 2, RUNC, "mount"));

        assertTrue(fired.contains("Mount from container"), fired.toString());
    }

    @Test
    void unknownChildOfContainerRuncMountFires() {
        rules.fired(Events.exec(CONTAINER, 40, 1, "/usr/sbin/runc", "runc"));

        List<String> fired = rules.fired(mount(41, 40, "runc:[2:INIT]"));

        assertTrue(fired.contains("Mount from container"), fired.toString());
    }

    @Test
    void runcInitMountsAreNotAlerts() {
        runcStartsInit();

        assertEquals(List.of(), rules.fired(mount(INIT, "6")));
    }

    @Test
    void runcInitNamespaceChangeIsNotAlert() {
        runcStartsInit();

        assertEquals(List.of(), rules.fired(Events.syscall(CONTAINER, INIT, "6", "unshare",
                Map.of("flags", "CLONE_NEWNS"), 0)));
    }

    @Test
    void mountAfterEntrypointExecFires() {
        runcStartsInit();
        rules.fired(Events.exec(CONTAINER, INIT, SHIM, "/bin/app", "app"));

        List<String> fired = rules.fired(mount(INIT, "app"));

        assertTrue(fired.contains("Mount from container"), fired.toString());
    }

    @Test
    void forkedChildAfterExecIsNotExcluded() {
        runcStartsInit();
        rules.fired(Events.fork(CONTAINER, 2_000_000_000L, INIT, INIT + 1));
        rules.fired(Events.exec(CONTAINER, INIT + 1, INIT, "/bin/sh", "sh"));

        List<String> fired = rules.fired(mount(INIT + 1, "sh"));

        assertTrue(fired.contains("Mount from container"), fired.toString());
    }

    @Test
    void fakeRuncInsideContainerIsNotExcluded() {
        rules.fired(Events.exec(CONTAINER, 40, 1, "/usr/sbin/runc", "runc"));
        List<String> exec = rules.fired(Events.exec(CONTAINER, 41, 40, "/dev/fd/6", "runc",
                "init"));

        List<String> mount = rules.fired(mount(41, "6"));

        assertTrue(exec.contains("Fileless execution"), exec.toString());
        assertTrue(mount.contains("Mount from container"), mount.toString());
    }

    @Test
    void memfdExecFromOtherHostParentFires() {
        rules.fired(Events.exec(HOST, 50, 1, "/usr/bin/python3", "python3"));

        List<String> fired = rules.fired(Events.exec(HOST, 51, 50, "/dev/fd/6", "x", "init"));

        assertTrue(fired.contains("Fileless execution"), fired.toString());
    }

    @Test
    void runcExecOfOtherArgumentsFires() {
        rules.fired(Events.exec(HOST, RUNC, SHIM, "/usr/sbin/runc", "runc", "create"));

        List<String> fired = rules.fired(Events.exec(HOST, INIT, RUNC, "/dev/fd/6", "payload"));

        assertTrue(fired.contains("Fileless execution"), fired.toString());
    }

    @Test
    void unknownInitProcessIsNotExcluded() {
        List<String> fired = rules.fired(mount(INIT, "6"));

        assertTrue(fired.contains("Mount from container"), fired.toString());
    }
}
