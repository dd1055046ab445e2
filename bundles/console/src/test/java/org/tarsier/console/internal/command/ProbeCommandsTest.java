package org.tarsier.console.internal.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.tarsier.api.probe.Probe;
import org.tarsier.api.probe.ProbeException;
import org.tarsier.api.probe.ProbeState;

class ProbeCommandsTest {

    @Test
    void listSortsProbesByName() {
        TestProbe process = new TestProbe("process", "handle_exec", "handle_exit")
                .events("EXEC", 1500).events("EXIT", 20).drops("ringbuf", 3)
                .state(ProbeState.LOADED);
        TestProbe tcp = new TestProbe("tcp");
        ProbeCommands commands = new ProbeCommands(List.of(tcp, process));

        assertEquals("NAME     STATE     PROGRAMS  EVENTS  DROPS  LAST ERROR\n"
                + "process  LOADED           2    1520      3\n"
                + "tcp      UNLOADED         0       0      0", commands.list());
    }

    @Test
    void listCountsProgramsNotAttachments() {
        TestProbe file = new TestProbe("file", "enter_open: tracepoint syscalls/sys_enter_open",
                "handle_sys_exit: tracepoint syscalls/sys_exit_open",
                "handle_sys_exit: tracepoint syscalls/sys_exit_openat")
                .state(ProbeState.LOADED);
        ProbeCommands commands = new ProbeCommands(List.of(file));

        assertEquals("NAME  STATE   PROGRAMS  EVENTS  DROPS  LAST ERROR\n"
                + "file  LOADED         2       0      0", commands.list());
    }

    @Test
    void listShowsLastError() {
        TestProbe file = new TestProbe("file").failLoadWith("failed to load file.bpf.o: EPERM");
        assertThrows(ProbeException.class, file::load);
        ProbeCommands commands = new ProbeCommands(List.of(file));

        assertEquals("NAME  STATE   PROGRAMS  EVENTS  DROPS  LAST ERROR\n"
                + "file  FAILED         0       0      0  failed to load file.bpf.o: EPERM",
                commands.list());
    }

    @Test
    void listWithoutProbesIsHeaderOnly() {
        assertEquals("NAME  STATE  PROGRAMS  EVENTS  DROPS  LAST ERROR",
                new ProbeCommands(List.of()).list());
    }

    @Test
    void listKeepsProbeThatThrows() {
        Probe broken = new TestProbe("broken") {
            @Override
            public ProbeState state() {
                throw new IllegalStateException("bundle stopping");
            }
        };
        String text = new ProbeCommands(List.of(broken)).list();

        assertEquals("NAME    STATE  PROGRAMS  EVENTS  DROPS  LAST ERROR\n"
                + "broken  ?             ?       ?      ?  status failed:"
                + " java.lang.IllegalStateException: bundle stopping", text);
    }

    @Test
    void loadCallsLoadOfNamedProbe() throws ProbeException {
        TestProbe process = new TestProbe("process", "handle_exec");
        TestProbe tcp = new TestProbe("tcp");
        ProbeCommands commands = new ProbeCommands(List.of(process, tcp));

        String reply = commands.load("process");

        assertEquals("probe process loaded with 1 program", reply);
        assertEquals(1, process.loadCalls());
        assertEquals(0, tcp.loadCalls());
    }

    @Test
    void loadOfLoadedProbeDoesNothing() throws ProbeException {
        TestProbe process = new TestProbe("process").state(ProbeState.LOADED);

        String reply = new ProbeCommands(List.of(process)).load("process");

        assertEquals("probe process is already loaded", reply);
        assertEquals(0, process.loadCalls());
    }

    @Test
    void loadFailureRaisesProbeExceptionMessage() {
        TestProbe file = new TestProbe("file").failLoadWith("failed to load file.bpf.o: EPERM");
        ProbeCommands commands = new ProbeCommands(List.of(file));

        ProbeException e = assertThrows(ProbeException.class, () -> commands.load("file"));
        assertEquals("failed to load file.bpf.o: EPERM", e.getMessage());
    }

    @Test
    void unknownNameListsKnownProbes() {
        ProbeCommands commands =
                new ProbeCommands(List.of(new TestProbe("tcp"), new TestProbe("process")));

        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> commands.load("proc"));
        assertEquals("probe not found: proc. Known probes: process, tcp", e.getMessage());
    }

    @Test
    void unknownNameWithoutProbesSaysNoneRegistered() {
        ProbeCommands commands = new ProbeCommands(List.of());

        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> commands.unload("process"));
        assertEquals("probe not found: process. No probe services are registered.",
                e.getMessage());
    }

    @Test
    void unloadCallsUnloadOfLoadedProbe() {
        TestProbe process = new TestProbe("process").state(ProbeState.LOADED);

        String reply = new ProbeCommands(List.of(process)).unload("process");

        assertEquals("probe process unloaded", reply);
        assertEquals(1, process.unloadCalls());
    }

    @Test
    void unloadOfUnloadedProbeDoesNothing() {
        TestProbe process = new TestProbe("process");

        String reply = new ProbeCommands(List.of(process)).unload("process");

        assertEquals("probe process is not loaded (state UNLOADED)", reply);
        assertEquals(0, process.unloadCalls());
    }

    @Test
    void infoShowsProgramsAndCountsByKind() {
        TestProbe process = new TestProbe("process",
                "handle_exec tracepoint/sched/sched_process_exec",
                "handle_exit tracepoint/sched/sched_process_exit")
                .events("EXIT", 20).events("EXEC", 1500).drops("ringbuf", 3)
                .state(ProbeState.LOADED);

        assertEquals("FIELD       VALUE\n"
                + "name        process\n"
                + "state       LOADED\n"
                + "programs    handle_exec tracepoint/sched/sched_process_exec\n"
                + "            handle_exit tracepoint/sched/sched_process_exit\n"
                + "events      EXEC=1500 EXIT=20\n"
                + "drops       ringbuf=3\n"
                + "last error", new ProbeCommands(List.of(process)).info("process"));
    }

    @Test
    void countsAreSortedByKind() {
        assertEquals("a=1 b=2", ProbeCommands.formatCounts(Map.of("b", 2L, "a", 1L)));
    }
}
