package org.tarsier.probe.process.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.tarsier.api.event.ExecEvent;
import org.tarsier.api.event.ExitEvent;
import org.tarsier.api.event.ForkEvent;
import org.tarsier.libbpf.BpfException;
import org.tarsier.libbpf.probe.ProbeSession;
import org.tarsier.libbpf.testing.KernelObjects;

/** Loads the probe into the running kernel; needs root and, for one test, a Docker engine. */
class ProbeSessionTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final Path HERE = Path.of("").toAbsolutePath();
    private static final long JVM_PID = ProcessHandle.current().pid();

    @Test
    void execOfTrueCarriesFilenameArgvAndTask() throws Exception {
        try (KernelProbe probe = KernelProbe.start()) {
            Process process = new ProcessBuilder("/bin/true", "a", "b", "c")
                    .directory(HERE.toFile()).start();
            long pid = process.pid();
            process.waitFor(10, TimeUnit.SECONDS);

            ExecEvent exec = awaitExec(probe, pid, "/bin/true");

            assertEquals(List.of("/bin/true", "a", "b", "c"), exec.argv());
            assertFalse(exec.argvTruncated(), "argv truncated");
            assertEquals(HERE.toRealPath().toString(), exec.cwd());
            assertEquals("true", exec.header().comm());
            assertEquals(JVM_PID, exec.header().ppid());
            assertEquals(pid, exec.header().tid());
            assertEquals(0, exec.header().uid());
            assertTrue(Math.abs(exec.header().timeNanos() - System.currentTimeMillis() * 1_000_000L)
                    < TIMEOUT.toNanos(), "time " + exec.header().time());
            assertEquals(List.of(), probe.failures());
        }
    }

    @Test
    void execCwdCrossesMountPoints() throws Exception {
        Path cgroupMount = Path.of("/sys/fs/cgroup/unified");
        try (KernelProbe probe = KernelProbe.start()) {
            long pid = start(cgroupMount, "/bin/true").pid();

            ExecEvent exec = awaitExec(probe, pid, "/bin/true");

            assertEquals("/sys/fs/cgroup/unified", exec.cwd());
        }
    }

    @Test
    void argvIsCutAtCountAndByteBounds() throws Exception {
        Settings fewArgs = new Settings(true, 3, 1024, 100, "sched/sched_process_exec");
        Settings fewBytes = new Settings(true, 16, 16, 100, "sched/sched_process_exec");

        ExecEvent byCount = execOf(fewArgs, "/bin/echo", "a", "b", "c", "d");
        ExecEvent byBytes = execOf(fewBytes, "/bin/echo", "aaaaaaaaaa", "b");

        assertEquals(List.of("/bin/echo", "a", "b"), byCount.argv());
        assertTrue(byCount.argvTruncated(), "cut by count");
        assertEquals(List.of("/bin/echo", "aaaaa"), byBytes.argv());
        assertTrue(byBytes.argvTruncated(), "cut by bytes");
    }

    @Test
    void maximumBoundsPassTheVerifier() throws Exception {
        Settings maximum = new Settings(true, RecordLayouts.ARGS_COUNT_LIMIT,
                RecordLayouts.ARGS_LIMIT, 100, "sched/sched_process_exec");
        String[] command = new String[70];
        command[0] = "/bin/echo";
        for (int i = 1; i < command.length; i++) {
            command[i] = "argument-" + i;
        }

        ExecEvent exec = execOf(maximum, command);

        assertEquals(RecordLayouts.ARGS_COUNT_LIMIT, exec.argv().size());
        assertTrue(exec.argvTruncated(), "argv truncated");
    }

    @Test
    void forkAndExitDescribeChildLifecycle() throws Exception {
        try (KernelProbe probe = KernelProbe.start()) {
            long pid = start(HERE, "/bin/sh", "-c", "exit 3").pid();

            ForkEvent fork = probe.await(ForkEvent.class, e -> e.childPid() == pid, TIMEOUT)
                    .orElseThrow(() -> new AssertionError("no fork event of child " + pid));
            ExitEvent exit = probe.await(ExitEvent.class, e -> e.header().pid() == pid, TIMEOUT)
                    .orElseThrow(() -> new AssertionError("no exit event of " + pid));

            assertEquals(JVM_PID, fork.header().pid());
            assertFalse(fork.isThread(), "thread");
            assertEquals(3, exit.exitCode());
            assertEquals(0, exit.signal());
            assertTrue(exit.durationNanos() > 0, "duration " + exit.durationNanos());
        }
    }

    @Test
    void exitOfKilledProcessCarriesSignal() throws Exception {
        try (KernelProbe probe = KernelProbe.start()) {
            Process sleep = start(HERE, "/bin/sleep", "30");
            awaitExec(probe, sleep.pid(), "/bin/sleep");
            sleep.destroyForcibly().waitFor(10, TimeUnit.SECONDS);

            ExitEvent exit = probe.await(ExitEvent.class,
                    e -> e.header().pid() == sleep.pid(), TIMEOUT)
                    .orElseThrow(() -> new AssertionError("no exit event of sleep"));

            assertEquals(9, exit.signal());
            assertEquals(0, exit.exitCode());
        }
    }

    @Test
    void threadExitsReportOneProcessExit() throws Exception {
        try (KernelProbe probe = KernelProbe.start()) {
            Thread thread = Thread.ofPlatform().start(() -> { });
            thread.join();

            assertTrue(probe.await(ExitEvent.class, e -> e.header().pid() == JVM_PID,
                    Duration.ofSeconds(1)).isEmpty(), "exit event of a thread of this JVM");
        }
    }

    @Test
    void containerExecCarriesDockerCgroupPath() throws Exception {
        Commands.ensureBusyboxImage();
        Path cidFile = Files.createTempDirectory("tarsier-probe").resolve("cid");
        try (KernelProbe probe = KernelProbe.start()) {
            int status = Commands.run(HERE, "docker", "run", "--rm", "--network", "none",
                    "--label", Commands.TEST_LABEL, "--cidfile", cidFile.toString(),
                    Commands.BUSYBOX_IMAGE, "sh", "-c", "cat /etc/hostname");
            assertEquals(0, status, "docker run status");
            String id = Files.readString(cidFile).strip();

            ExecEvent exec = probe.await(ExecEvent.class,
                    e -> e.argv().equals(List.of("sh", "-c", "cat /etc/hostname")), TIMEOUT)
                    .orElseThrow(() -> new AssertionError("no exec event of the container"));

            assertTrue(id.matches("[0-9a-f]{64}"), "container id " + id);
            assertEquals("docker/" + id, exec.cgroupPath());
            assertEquals("/", exec.cwd());
            assertTrue(exec.filename().endsWith("sh"), exec.filename());
        } finally {
            Files.deleteIfExists(cidFile);
            Files.deleteIfExists(cidFile.getParent());
        }
    }

    @Test
    void missingExecTracepointFailsWithoutLeftovers() throws Exception {
        Settings missing = new Settings(true, 16, 1024, 100, "sched/no_such_tracepoint");

        BpfException e = assertThrows(BpfException.class, () -> KernelProbe.start(missing));

        assertEquals("failed to attach program handle_exec of process.bpf.o to tracepoint"
                + " sched/no_such_tracepoint: ENOENT", e.getMessage());
        assertEquals(List.of(), KernelObjects.bpfHandlesOfThisProcess());
        assertEquals(0, pollerThreads(), "poller threads");
    }

    @Test
    void fiftyLoadCyclesLeakNothing() throws Exception {
        KernelProbe.start().close();
        long fdsBefore = openFileDescriptors();
        Set<String> kernelIds = new TreeSet<>();

        for (int i = 0; i < 50; i++) {
            try (KernelProbe probe = KernelProbe.start()) {
                assertEquals(3, probe.session().programs().size(), "programs of cycle " + i);
                kernelIds.addAll(KernelObjects.idsOf(probe.session().object()));
            }
        }

        // three programs, and five maps: three of process.bpf.c, tarsier_idle and .rodata
        assertEquals(50 * (3 + 5), kernelIds.size(), "distinct program and map ids");
        assertEquals(fdsBefore, openFileDescriptors(), "open file descriptors");
        assertEquals(List.of(), KernelObjects.bpfHandlesOfThisProcess());
        assertEquals(0, pollerThreads(), "poller threads");
        assertEquals(Set.of(), KernelObjects.stillLoaded(kernelIds), "loaded after unload");
    }

    @Test
    void dropCountsNameEveryReason() throws Exception {
        try (KernelProbe probe = KernelProbe.start()) {
            Map<String, Long> drops = ProcessObject.DROPS.read(probe.session().object());

            assertEquals(List.of("ringbuf", "filename_read", "argv_read", "cwd_read",
                    "cgroup_read"), List.copyOf(drops.keySet()));
            assertTrue(drops.values().stream().allMatch(count -> count >= 0), drops.toString());
        }
    }

    private static ExecEvent execOf(Settings settings, String... command) throws Exception {
        try (KernelProbe probe = KernelProbe.start(settings)) {
            return awaitExec(probe, start(HERE, command).pid(), command[0]);
        }
    }

    /** Waits for the exec of {@code filename}; the JVM's spawn helper runs first in that pid. */
    private static ExecEvent awaitExec(KernelProbe probe, long pid, String filename)
            throws InterruptedException {
        return probe.await(ExecEvent.class,
                e -> e.header().pid() == pid && e.filename().equals(filename), TIMEOUT)
                .orElseThrow(() -> new AssertionError("no exec event of " + filename));
    }

    private static Process start(Path directory, String... command) throws IOException {
        return new ProcessBuilder(command).directory(directory.toFile())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
    }

    private static long openFileDescriptors() throws IOException {
        try (var entries = Files.list(Path.of("/proc/self/fd"))) {
            return entries.count();
        }
    }

    private static long pollerThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals(ProbeSession.POLLER_THREAD))
                .count();
    }
}
