package org.tarsier.probe.syscall.internal;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;
import org.tarsier.api.event.SyscallCountEvent;
import org.tarsier.api.event.SyscallEvent;
import org.tarsier.libbpf.probe.ProbeSession;
import org.tarsier.libbpf.testing.KernelObjects;

/** Loads the syscall probe into the running kernel; needs root, Docker and gcc with libc.a. */
class SyscallKernelTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final String HELPER_COMM = "sc-helper";

    @SuppressWarnings("restricted")
    private static final MethodHandle GETPPID = Linker.nativeLinker().downcallHandle(
            Linker.nativeLinker().defaultLookup().find("getppid").orElseThrow(),
            FunctionDescriptor.of(JAVA_INT));

    @Test
    void containerGetppidCallsCountedExactly() throws Exception {
        // About 0.5 s of calls, so that several 100 ms windows end while the helper counts.
        try (KernelProbe probe = KernelProbe.start(100, false)) {
            // runc init calls getppid in the container's cgroup before it starts the helper,
            // so a run with no calls of its own measures what runc adds.
            String baseline = Commands.runHelper("getppid", "0").text().lines().findFirst()
                    .orElseThrow();
            String counted = Commands.runHelper("getppid", "1000000").text().lines().findFirst()
                    .orElseThrow();

            long runcCalls = awaitCount(probe, baseline, "getppid");
            long total = awaitCount(probe, counted, "getppid");

            assertTrue(runcCalls < 10, "getppid calls of runc: " + runcCalls);
            assertEquals(1_000_000 + runcCalls, total, "getppid calls of the container");
            assertTrue(countEvents(probe, counted) >= 3, "windows with counts of the container");
            assertEquals(List.of(), probe.failures());
        }
    }

    @Test
    void selectedSyscallsReportedOncePerCall() throws Exception {
        try (KernelProbe probe = KernelProbe.start(1000, false)) {
            List<String> lines = Commands.runHelper("selected").text().lines().toList();
            String id = lines.getFirst();
            Map<String, Long> results = new LinkedHashMap<>();
            for (String line : lines.subList(1, lines.size())) {
                String[] fields = line.split(" ");
                results.put(fields[0], Long.parseLong(fields[1]));
            }

            assertTrue(KernelProbe.await(() -> helperEvents(probe, id).size()
                    >= SyscallArguments.DEFAULT_SELECTION.size(), TIMEOUT), "events arrived");
            Thread.sleep(200);
            List<SyscallEvent> events = helperEvents(probe, id);

            assertEquals(SyscallArguments.DEFAULT_SELECTION.size(), results.size(),
                    "helper output");
            assertEquals(new TreeSet<>(SyscallArguments.DEFAULT_SELECTION),
                    new TreeSet<>(events.stream().map(SyscallEvent::name).toList()), "names");
            assertEquals(SyscallArguments.DEFAULT_SELECTION.size(), events.size(), "event count");
            for (SyscallEvent event : events) {
                assertEquals(results.get(event.name()), event.result(), event.name() + " result");
                assertEquals(ErrnoNames.ofResult(results.get(event.name())), event.error(),
                        event.name() + " error");
                assertEquals("docker", event.container().runtime(), event.name() + " runtime");
            }
            assertArguments(events);
            assertEquals(List.of(), probe.failures());
        }
    }

    @Test
    void seccompRejectedCallCounted() throws Exception {
        try (KernelProbe probe = KernelProbe.start(100, false)) {
            List<String> lines = Commands.runHelper("selected").text().lines().toList();
            String id = lines.getFirst();

            // Docker's default seccomp profile rejects kexec_load before sys_enter fires.
            assertTrue(lines.contains("kexec_load -1"), "kexec_load rejected: " + lines);
            assertEquals(1, awaitCount(probe, id, "kexec_load"), "kexec_load calls");
            assertEquals(List.of(), probe.failures());
        }
    }

    @Test
    void stringOnUntouchedPageReadAtExit() throws Exception {
        // sys_enter cannot read the path: its page enters the page tables during the syscall
        try (KernelProbe probe = KernelProbe.start(1000, false)) {
            List<String> lines = Commands.runHelper("untouched").text().lines().toList();
            String id = lines.getFirst();

            assertEquals("chroot 0", lines.get(1), "helper output");
            assertTrue(KernelProbe.await(() -> !helperEvents(probe, id).isEmpty(), TIMEOUT),
                    "chroot event arrived");
            SyscallEvent chroot = helperEvents(probe, id).getFirst();

            assertEquals("chroot", chroot.name());
            assertEquals(Map.of("path", "/bin"), chroot.arguments());
            assertEquals(List.of(), probe.failures());
        }
    }

    @Test
    void compatMountReportedAsMount() throws Exception {
        assumeTrue(System.getProperty("os.arch").equals("amd64"), "int 0x80 exists on x86_64");
        try (KernelProbe probe = KernelProbe.start(1000, false)) {
            List<String> lines = Commands.runHelper("compat").text().lines().toList();
            String id = lines.getFirst();
            long result = Long.parseLong(lines.get(1).split(" ")[1]);

            assertTrue(KernelProbe.await(() -> !helperEvents(probe, id).isEmpty(), TIMEOUT),
                    "compat event arrived");
            SyscallEvent mount = helperEvents(probe, id).getFirst();

            assertEquals("mount", mount.name());
            assertEquals(21, mount.number(), "i386 number of mount");
            assertEquals("compat-src", mount.arguments().get("source"));
            assertEquals("/mnt", mount.arguments().get("target"));
            assertEquals(result, mount.result(), "result");
        }
    }

    @Test
    void hostProcessesCountedOnlyWhenConfigured() throws Throwable {
        long jvmCgroup = cgroupIdOfThisProcess();

        long withoutHost = countOwnGetppid(false, jvmCgroup);
        long withHost = countOwnGetppid(true, jvmCgroup);

        assertEquals(0, withoutHost, "getppid calls of this JVM counted with host=false");
        assertTrue(withHost >= 1000, "getppid calls of this JVM counted with host=true: "
                + withHost);
    }

    @Test
    void hostSettingChangeAppliesToRunningThread() throws Throwable {
        long jvmCgroup = cgroupIdOfThisProcess();
        try (KernelProbe probe = KernelProbe.start(200, true)) {
            long counted = callGetppidAndCount(probe, jvmCgroup);
            // The same thread goes on calling, so the kernel's per-CPU verdict on it is reused
            // unless the configuration write invalidates it.
            ProbeMaps.writeIncludeHost(probe.session().object(), false);
            long afterExclude = callGetppidAndCount(probe, jvmCgroup);
            ProbeMaps.writeIncludeHost(probe.session().object(), true);
            long afterInclude = callGetppidAndCount(probe, jvmCgroup);

            assertTrue(counted >= 1000, "calls counted with host=true: " + counted);
            assertEquals(counted, afterExclude, "calls counted after host=false");
            assertTrue(afterInclude >= counted + 1000, "calls counted after host=true again: "
                    + afterInclude + ", before: " + counted);
            assertEquals(List.of(), probe.failures());
        }
    }

    @Test
    void fullCountsMapCountsDrops() throws Exception {
        Settings small = new Settings(true, 1000, true, Set.of(), List.of(), 64, 100);
        try (KernelProbe probe = KernelProbe.start(small)) {
            Commands.runHelper("selected");
            for (int i = 0; i < 3; i++) {
                Commands.check("/bin/sh", "-c", "ls / > /dev/null; cat /proc/self/status");
            }

            long drops = SyscallObject.DROPS.read(probe.session().object()).get("counts_full");

            assertTrue(drops > 0, "counts_full drops: " + drops);
        }
    }

    @Test
    void dropCountsNameEveryReason() throws Exception {
        try (KernelProbe probe = KernelProbe.start(1000, false)) {
            Map<String, Long> drops = SyscallObject.DROPS.read(probe.session().object());

            assertEquals(List.of("ringbuf", "counts_full", "pending_full", "string_read",
                    "cgroup_read", "names_full"), List.copyOf(drops.keySet()));
        }
    }

    @Test
    void fiftyLoadCyclesLeakNothing() throws Exception {
        KernelProbe.start(1000, false).close();
        long fdsBefore = openFileDescriptors();
        Set<String> kernelIds = new TreeSet<>();

        for (int i = 0; i < 50; i++) {
            try (KernelProbe probe = KernelProbe.start(1000, false)) {
                assertEquals(2, probe.session().programs().size(), "programs of cycle " + i);
                kernelIds.addAll(KernelObjects.idsOf(probe.session().object()));
            }
        }

        assertEquals(fdsBefore, openFileDescriptors(), "open file descriptors");
        assertEquals(List.of(), KernelObjects.bpfHandlesOfThisProcess());
        assertEquals(0, Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals(ProbeSession.POLLER_THREAD)).count(),
                "poller threads");
        assertEquals(Set.of(), KernelObjects.stillLoaded(kernelIds), "loaded after unload");
    }

    private static void assertArguments(List<SyscallEvent> events) {
        Map<String, Map<String, String>> arguments = new LinkedHashMap<>();
        for (SyscallEvent event : events) {
            arguments.put(event.name(), event.arguments());
        }
        assertEquals("PTRACE_ATTACH", arguments.get("ptrace").get("request"));
        assertEquals("999999", arguments.get("ptrace").get("pid"));
        assertEquals(Map.of("source", "tarsier-src", "target", "/mnt", "fstype", "tmpfs",
                "flags", "MS_NOSUID|MS_NODEV"), arguments.get("mount"));
        assertEquals(Map.of("target", "/mnt", "flags", "MNT_DETACH"), arguments.get("umount2"));
        assertEquals("CLONE_NEWUTS", arguments.get("setns").get("nstype"));
        assertTrue(arguments.get("setns").containsKey("inode"), "setns namespace inode");
        assertEquals(Map.of("flags", "CLONE_NEWNS|CLONE_NEWUTS"), arguments.get("unshare"));
        assertEquals("tarsier_probe_test", arguments.get("init_module").get("module"));
        assertEquals("debug=1", arguments.get("init_module").get("params"));
        assertEquals("tarsier_fake.ko", arguments.get("finit_module").get("file"));
        assertEquals("tarsier_fake", arguments.get("finit_module").get("module"));
        assertEquals(Map.of("module", "tarsier_fake", "flags", "O_NONBLOCK"),
                arguments.get("delete_module"));
        assertEquals("BPF_PROG_LOAD", arguments.get("bpf").get("cmd"));
        assertEquals(Map.of("name", "tarsier-memfd", "flags", "MFD_CLOEXEC"),
                arguments.get("memfd_create"));
        assertEquals("KEXEC_ARCH_DEFAULT", arguments.get("kexec_load").get("arch"));
        assertEquals(Map.of("path", "/"), arguments.get("chroot"));
        assertEquals(Map.of("new_root", "/tmp", "put_old", "/tmp/old"),
                arguments.get("pivot_root"));
    }

    private static List<SyscallEvent> helperEvents(KernelProbe probe, String containerId) {
        return probe.events(SyscallEvent.class, e -> e.header().comm().equals(HELPER_COMM)
                && e.container().id().equals(containerId));
    }

    /** Waits until the container's count events stop changing and returns the sum of a name. */
    private static long awaitCount(KernelProbe probe, String containerId, String name)
            throws InterruptedException {
        long previous = -1;
        long current = sum(probe, containerId, name);
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while ((current != previous || current == 0) && System.nanoTime() < deadline) {
            Thread.sleep(500);
            previous = current;
            current = sum(probe, containerId, name);
        }
        return current;
    }

    private static long sum(KernelProbe probe, String containerId, String name) {
        return probe.events(SyscallCountEvent.class, e -> e.container().id().equals(containerId))
                .stream().mapToLong(e -> e.counts().getOrDefault(name, 0L)).sum();
    }

    private static long countEvents(KernelProbe probe, String containerId) {
        return probe.events(SyscallCountEvent.class, e -> e.container().id().equals(containerId))
                .size();
    }

    private static long countOwnGetppid(boolean includeHost, long cgroupId) throws Throwable {
        try (KernelProbe probe = KernelProbe.start(200, includeHost)) {
            for (int i = 0; i < 1000; i++) {
                int ignored = (int) GETPPID.invokeExact();
            }
            Thread.sleep(600);
            return probe.events(SyscallCountEvent.class, e -> e.header().cgroupId() == cgroupId)
                    .stream().mapToLong(e -> e.counts().getOrDefault("getppid", 0L)).sum();
        }
    }

    /** Calls getppid 1000 times on this thread; returns this cgroup's total once reported. */
    private static long callGetppidAndCount(KernelProbe probe, long cgroupId) throws Throwable {
        for (int i = 0; i < 1000; i++) {
            int ignored = (int) GETPPID.invokeExact();
        }
        Thread.sleep(600);
        return probe.events(SyscallCountEvent.class, e -> e.header().cgroupId() == cgroupId)
                .stream().mapToLong(e -> e.counts().getOrDefault("getppid", 0L)).sum();
    }

    private static long cgroupIdOfThisProcess() throws IOException {
        String path = Files.readAllLines(Path.of("/proc/self/cgroup")).stream()
                .filter(line -> line.startsWith("0::"))
                .map(line -> line.substring(3))
                .findFirst().orElseThrow();
        return ((Number) Files.getAttribute(Path.of("/sys/fs/cgroup/unified" + path),
                "unix:ino", LinkOption.NOFOLLOW_LINKS)).longValue();
    }

    private static long openFileDescriptors() throws IOException {
        try (var entries = Files.list(Path.of("/proc/self/fd"))) {
            return entries.count();
        }
    }
}
