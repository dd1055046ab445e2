package org.tarsier.probe.file.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;

import org.junit.jupiter.api.Test;
import org.tarsier.api.event.FileEvent;

/**
 * Checks the filters of the probe loaded in the running kernel, and which records they keep
 * out of user space. Needs root, a Docker engine and gcc with a static libc.
 */
class KernelFilterTest {

    private static final Duration QUIET = Duration.ofMillis(300);
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @Test
    void hostTasksNeedScopeAll() throws Exception {
        Path directory = Files.createTempDirectory("tarsier-file-host");
        Settings all = new Settings(true, false, true, List.of(), List.of(),
                Settings.DEFAULT_SENSITIVE_READ_PREFIXES, 100);
        try (KernelProbe probe = KernelProbe.start()) {
            runOnHost(directory.resolve("hidden"));
            probe.settle(QUIET, TIMEOUT);
            probe.reconfigure(all);
            runOnHost(directory.resolve("seen"));
            probe.settle(QUIET, TIMEOUT);

            List<FileEvent> hidden = probe.received(path(directory.resolve("hidden")));
            List<FileEvent> seen = probe.events(path(directory.resolve("seen")));

            assertEquals(List.of(), hidden, "records of a host task with scope=containers");
            assertEquals(1, seen.size(), "events of a host task with scope=all");
            assertTrue(seen.get(0).container().isHost(), "container " + seen.get(0).container());
        } finally {
            Files.deleteIfExists(directory.resolve("hidden"));
            Files.deleteIfExists(directory.resolve("seen"));
            Files.delete(directory);
        }
    }

    @Test
    void readOnlyOpensNeedOpensAll() throws Exception {
        Settings allOpens = new Settings(true, true, false, List.of(), List.of(),
                Settings.DEFAULT_SENSITIVE_READ_PREFIXES, 100);
        String script = Commands.HELPER_IN_CONTAINER + " open /etc/hostname 0 0";
        try (KernelProbe probe = KernelProbe.start()) {
            Commands.Container before = Commands.runContainer(script);
            probe.settle(QUIET, TIMEOUT);
            probe.reconfigure(allOpens);
            Commands.Container after = Commands.runContainer(script);
            probe.settle(QUIET, TIMEOUT);

            List<FileEvent> hidden = probe.received(helperIn(before));
            List<FileEvent> seen = probe.events(helperIn(after));

            assertEquals(List.of(), hidden, "records of a read-only open with opens=write");
            assertEquals(1, seen.size(), "events with opens=all: " + seen);
            assertEquals("/etc/hostname", seen.get(0).path());
            assertFalse(seen.get(0).writeIntent(), "write intent");
        }
    }

    @Test
    void prefixListsFilterInKernelAndAfterNormalising() throws Exception {
        Settings prefixes = new Settings(true, true, true, List.of("/tmp/inc"),
                List.of("/tmp/inc/skip"), Settings.DEFAULT_SENSITIVE_READ_PREFIXES, 100);
        try (KernelProbe probe = KernelProbe.start(prefixes)) {
            Commands.Container container = Commands.runContainer(
                    "mkdir -p /tmp/inc/skip /tmp/other && " + Commands.HELPER_IN_CONTAINER
                    + " creat /tmp/inc/a 0644 + creat /tmp/other/b 0644"
                    + " + creat /tmp/inc/skip/c 0644 + creat /tmp/incx 0644"
                    + " + creat /tmp/other/../inc/d 0644 + creat /tmp/inc/../other/e 0644"
                    + " + rename /tmp/other/b /tmp/inc/moved");
            probe.settle(QUIET, TIMEOUT);

            List<String> accepted = probe.events(helperIn(container)).stream()
                    .map(KernelFilterTest::describe).toList();
            List<String> received = probe.received(helperIn(container)).stream()
                    .map(KernelFilterTest::describe).toList();

            assertEquals(List.of("OPEN /tmp/inc/a", "OPEN /tmp/inc/d",
                    "RENAME /tmp/other/b /tmp/inc/moved"), accepted);
            assertEquals(List.of("OPEN /tmp/inc/a", "OPEN /tmp/inc/d", "OPEN /tmp/other/e",
                    "RENAME /tmp/other/b /tmp/inc/moved"), received,
                    "only paths with .. components reach user space to be filtered there");
        }
    }

    @Test
    void ownProcessIsNeverReported() throws Exception {
        Settings all = new Settings(true, false, false, List.of(), List.of(), List.of(), 100);
        Path file = Files.createTempFile("tarsier-file-self", ".txt");
        try (KernelProbe probe = KernelProbe.start(all)) {
            Files.writeString(file, "written by the agent itself");
            probe.settle(QUIET, TIMEOUT);

            assertEquals(List.of(), probe.received(path(file)));
        } finally {
            Files.delete(file);
        }
    }

    private static void runOnHost(Path file) throws Exception {
        Commands.output(Commands.helper().toString(), "creat", file.toString(), "0644");
    }

    private static Predicate<FileEvent> path(Path file) {
        return event -> event.path().equals(file.toString());
    }

    private static Predicate<FileEvent> helperIn(Commands.Container container) {
        return event -> event.container().id().equals(container.id())
                && event.header().comm().equals("fileops");
    }

    private static String describe(FileEvent event) {
        String target = event.targetPath().isEmpty() ? "" : " " + event.targetPath();
        return event.operation() + " " + event.path() + target;
    }
}
