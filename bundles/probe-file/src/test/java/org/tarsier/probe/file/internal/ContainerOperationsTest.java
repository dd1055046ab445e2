package org.tarsier.probe.file.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;

import org.junit.jupiter.api.Test;
import org.tarsier.api.event.FileEvent;
import org.tarsier.api.event.FileOperation;

/**
 * Runs file syscalls in busybox containers against the probe loaded in the running kernel.
 * Needs root, a Docker engine and gcc with a static libc.
 */
class ContainerOperationsTest {

    private static final Duration QUIET = Duration.ofMillis(300);
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final int AT_SYMLINK_NOFOLLOW = 0x100;
    private static final int AT_REMOVEDIR = 0x200;
    private static final int AT_EMPTY_PATH = 0x1000;
    private static final int O_WRONLY_CREAT = 0101;
    private static final int O_WRONLY_CREAT_TRUNC = 01101;
    private static final long NON_NEGATIVE = Long.MIN_VALUE;

    /** One expected event: the operation, its operands and flags identify it. */
    record Expected(FileOperation operation, String path, String target, int flags, int mode,
            int ownerUid, int ownerGid, long result) {

        static Expected of(FileOperation operation, String path, int flags, int mode) {
            return new Expected(operation, path, "", flags, mode, -1, -1, 0);
        }

        static Expected pair(FileOperation operation, String path, String target, int flags) {
            return new Expected(operation, path, target, flags, 0, -1, -1, 0);
        }

        static Expected chown(String path, int flags, int uid, int gid) {
            return new Expected(FileOperation.CHOWN, path, "", flags, 0, uid, gid, 0);
        }

        static Expected open(String path, int flags, int mode) {
            return new Expected(FileOperation.OPEN, path, "", flags, mode, -1, -1, NON_NEGATIVE);
        }

        boolean identifies(FileEvent event) {
            return event.operation() == operation && event.path().equals(path)
                    && event.targetPath().equals(target) && event.flags() == flags;
        }
    }

    private static final String OPERATIONS = String.join(" + ",
            "mkdir /tmp/t 0755", "mkdir /tmp/t/d 0755", "mkdir /tmp/t/e 0755",
            "open /tmp/t/open.txt 0101 0640",
            "openat /tmp/t/d openat.txt 0101 0600",
            "openat2 /tmp/t/d openat2.txt 0101 0604",
            "creat /tmp/t/creat.txt 0644",
            "unlink /tmp/t/creat.txt",
            "chmod /tmp/t/open.txt 0600",
            "fchmod /tmp/t/open.txt 0640",
            "fchmodat /tmp/t/d openat.txt 0644",
            "chown /tmp/t/open.txt 1 2",
            "fchown /tmp/t/open.txt 3 4",
            "lchown /tmp/t/open.txt 5 6",
            "fchownat /tmp/t/d openat.txt 7 8 0",
            "link /tmp/t/open.txt /tmp/t/e/hard",
            "linkat /tmp/t/d openat.txt /tmp/t/e hard2 0",
            "symlink /etc/shadow /tmp/t/shadow-link",
            "symlinkat ../open.txt /tmp/t/e soft",
            "mkdir /tmp/t/m 0750",
            "mkdirat /tmp/t/d m2 0700",
            "rmdir /tmp/t/m",
            "unlinkat /tmp/t/d m2 0x200",
            "unlinkat /tmp/t/e hard2 0",
            "rename /tmp/t/open.txt /tmp/t/e/renamed.txt",
            "renameat /tmp/t/d openat.txt /tmp/t/e renamedat.txt",
            "renameat2 /tmp/t/e renamedat.txt /tmp/t/d back.txt 1",
            "truncate /tmp/t/e/renamed.txt 10",
            "ftruncate /tmp/t/e/renamed.txt 5",
            "mknod /tmp/t/fifo 010644 0",
            "mknodat /tmp/t/d fifo2 010600 0");

    private static final List<Expected> EXPECTED = List.of(
            Expected.of(FileOperation.MKDIR, "/tmp/t", 0, 0755),
            Expected.of(FileOperation.MKDIR, "/tmp/t/d", 0, 0755),
            Expected.of(FileOperation.MKDIR, "/tmp/t/e", 0, 0755),
            Expected.open("/tmp/t/open.txt", O_WRONLY_CREAT, 0640),
            Expected.open("/tmp/t/d/openat.txt", O_WRONLY_CREAT, 0600),
            Expected.open("/tmp/t/d/openat2.txt", O_WRONLY_CREAT, 0604),
            Expected.open("/tmp/t/creat.txt", O_WRONLY_CREAT_TRUNC, 0644),
            Expected.of(FileOperation.UNLINK, "/tmp/t/creat.txt", 0, 0),
            Expected.of(FileOperation.CHMOD, "/tmp/t/open.txt", 0, 0600),
            Expected.of(FileOperation.CHMOD, "/tmp/t/open.txt", AT_EMPTY_PATH, 0640),
            Expected.of(FileOperation.CHMOD, "/tmp/t/d/openat.txt", 0, 0644),
            Expected.chown("/tmp/t/open.txt", 0, 1, 2),
            Expected.chown("/tmp/t/open.txt", AT_EMPTY_PATH, 3, 4),
            Expected.chown("/tmp/t/open.txt", AT_SYMLINK_NOFOLLOW, 5, 6),
            Expected.chown("/tmp/t/d/openat.txt", 0, 7, 8),
            Expected.pair(FileOperation.LINK, "/tmp/t/e/hard", "/tmp/t/open.txt", 0),
            Expected.pair(FileOperation.LINK, "/tmp/t/e/hard2", "/tmp/t/d/openat.txt", 0),
            Expected.pair(FileOperation.SYMLINK, "/tmp/t/shadow-link", "/etc/shadow", 0),
            Expected.pair(FileOperation.SYMLINK, "/tmp/t/e/soft", "../open.txt", 0),
            Expected.of(FileOperation.MKDIR, "/tmp/t/m", 0, 0750),
            Expected.of(FileOperation.MKDIR, "/tmp/t/d/m2", 0, 0700),
            Expected.of(FileOperation.RMDIR, "/tmp/t/m", 0, 0),
            Expected.of(FileOperation.RMDIR, "/tmp/t/d/m2", AT_REMOVEDIR, 0),
            Expected.of(FileOperation.UNLINK, "/tmp/t/e/hard2", 0, 0),
            Expected.pair(FileOperation.RENAME, "/tmp/t/open.txt", "/tmp/t/e/renamed.txt", 0),
            Expected.pair(FileOperation.RENAME, "/tmp/t/d/openat.txt", "/tmp/t/e/renamedat.txt",
                    0),
            Expected.pair(FileOperation.RENAME, "/tmp/t/e/renamedat.txt", "/tmp/t/d/back.txt",
                    1),
            Expected.of(FileOperation.TRUNCATE, "/tmp/t/e/renamed.txt", 0, 0),
            Expected.of(FileOperation.TRUNCATE, "/tmp/t/e/renamed.txt", AT_EMPTY_PATH, 0),
            Expected.of(FileOperation.MKNOD, "/tmp/t/fifo", 0, 010644),
            Expected.of(FileOperation.MKNOD, "/tmp/t/d/fifo2", 0, 010600));

    @Test
    void everyOperationYieldsOneEvent() throws Exception {
        try (KernelProbe probe = KernelProbe.start()) {
            Commands.Container container = Commands.runContainer(
                    Commands.HELPER_IN_CONTAINER + " " + OPERATIONS);
            probe.settle(QUIET, TIMEOUT);

            assertOneEventPerOperation(probe, container);
        }
    }

    /** The same operations from an i386 binary, whose syscalls have no syscalls/* tracepoint. */
    @Test
    void everyI386OperationYieldsOneEvent() throws Exception {
        try (KernelProbe probe = KernelProbe.start()) {
            Commands.Container container = Commands.runContainer(
                    Commands.I386_HELPER_IN_CONTAINER + " " + OPERATIONS, "-v",
                    Commands.i386Helper() + ":" + Commands.I386_HELPER_IN_CONTAINER + ":ro");
            probe.settle(QUIET, TIMEOUT);

            assertOneEventPerOperation(probe, container);
        }
    }

    private static void assertOneEventPerOperation(KernelProbe probe,
            Commands.Container container) {
        List<FileEvent> events = probe.events(fromHelper(container));
        for (Expected expected : EXPECTED) {
            List<FileEvent> matching = events.stream().filter(expected::identifies).toList();
            assertEquals(1, matching.size(), expected + " among " + events);
            assertEvent(expected, matching.get(0), container.id());
        }
        // ftruncate opens the file for writing first, which is one more event.
        assertEquals(EXPECTED.size() + 1, events.size(), "events of the helper: " + events);
        assertEquals(List.of(), probe.failures());
    }

    @Test
    void relativePathsResolveAgainstCwd() throws Exception {
        try (KernelProbe probe = KernelProbe.start()) {
            Commands.Container container = Commands.runContainer("cd /etc && "
                    + Commands.HELPER_IN_CONTAINER + " creat relative.conf 0644"
                    + " + mkdir reldir 0755 + chdir reldir + creat ../up.conf 0600"
                    + " + creat ./here.conf 0600");
            probe.settle(QUIET, TIMEOUT);

            List<String> paths = probe.events(fromHelper(container)).stream()
                    .map(FileEvent::path).toList();

            assertEquals(List.of("/etc/relative.conf", "/etc/reldir", "/etc/up.conf",
                    "/etc/reldir/here.conf"), paths);
        }
    }

    @Test
    void busyboxRenameAndSymlinkCarryBothPaths() throws Exception {
        try (KernelProbe probe = KernelProbe.start()) {
            Commands.Container container = Commands.runContainer("mkdir /tmp/a /tmp/b"
                    + " && touch /tmp/a/x && mv /tmp/a/x /tmp/b/y"
                    + " && ln -s /etc/shadow /tmp/shadow-link");
            probe.settle(QUIET, TIMEOUT);

            FileEvent rename = only(probe, container, "mv", FileOperation.RENAME);
            FileEvent symlink = only(probe, container, "ln", FileOperation.SYMLINK);

            assertEquals("/tmp/a/x", rename.path());
            assertEquals("/tmp/b/y", rename.targetPath());
            assertEquals("/tmp/shadow-link", symlink.path());
            assertEquals("/etc/shadow", symlink.targetPath());
            assertEquals(0, symlink.result());
            assertEquals(container.id(), symlink.container().id());
        }
    }

    @Test
    void failedOpensCarryErrno() throws Exception {
        try (KernelProbe probe = KernelProbe.start()) {
            Commands.Container container = Commands.runContainer(Commands.HELPER_IN_CONTAINER
                    + " open /missing/file 01 0 + creat /tmp/secret 0600 + setuid 65534"
                    + " + open /tmp/secret 01 0");
            probe.settle(QUIET, TIMEOUT);

            FileEvent missing = onlyOpen(probe, container, "/missing/file");
            List<FileEvent> secret = probe.events(fromHelper(container)
                    .and(e -> e.path().equals("/tmp/secret")));

            assertEquals(-2, missing.result());
            assertEquals("ENOENT", missing.error());
            assertTrue(missing.failed(), "failed");
            assertEquals(2, secret.size(), "opens of /tmp/secret: " + secret);
            assertEquals(-13, secret.get(1).result());
            assertEquals("EACCES", secret.get(1).error());
            assertEquals(65534, secret.get(1).header().uid());
        }
    }

    @Test
    void fdOperationCrossesBindMount() throws Exception {
        try (KernelProbe probe = KernelProbe.start()) {
            Commands.Container container = Commands.runContainer(Commands.HELPER_IN_CONTAINER
                    + " fchmod /etc/hostname 0644");
            probe.settle(QUIET, TIMEOUT);

            FileEvent chmod = only(probe, container, "fileops", FileOperation.CHMOD);

            assertEquals("/etc/hostname", chmod.path());
            assertEquals(AT_EMPTY_PATH, chmod.flags());
        }
    }

    @Test
    void openThroughSymlinkNamesOpenedFile() throws Exception {
        try (KernelProbe probe = KernelProbe.start()) {
            Commands.Container container = Commands.runContainer("mkdir /tmp/real"
                    + " && ln -s /tmp/real /tmp/alias && " + Commands.HELPER_IN_CONTAINER
                    + " open /tmp/alias/f 0101 0644 + chdir /tmp/alias"
                    + " + open ../alias/g 0101 0644");
            probe.settle(QUIET, TIMEOUT);

            List<FileEvent> opens = probe.events(fromHelper(container)
                    .and(e -> e.operation() == FileOperation.OPEN));
            List<String> paths = opens.stream().map(FileEvent::path).toList();
            List<String> requested = opens.stream().map(FileEvent::requestedPath).toList();

            assertEquals(List.of("/tmp/real/f", "/tmp/real/g"), paths);
            // the kernel resolved the link at chdir, so the cwd is /tmp/real
            assertEquals(List.of("/tmp/alias/f", "/tmp/alias/g"), requested);
        }
    }

    @Test
    void openOfPipeKeepsGivenPath() throws Exception {
        try (KernelProbe probe = KernelProbe.start()) {
            Commands.Container container = Commands.runContainer(Commands.HELPER_IN_CONTAINER
                    + " open /proc/self/fd/1 01 0 | cat");
            probe.settle(QUIET, TIMEOUT);

            FileEvent open = only(probe, container, "fileops", FileOperation.OPEN);

            assertEquals("/proc/self/fd/1", open.path());
            assertEquals("/proc/self/fd/1", open.requestedPath());
            assertTrue(open.result() >= 0, "result " + open.result());
        }
    }

    private static void assertEvent(Expected expected, FileEvent event, String containerId) {
        assertEquals(expected.mode(), event.mode(), expected + " mode");
        assertEquals(expected.ownerUid(), event.ownerUid(), expected + " owner uid");
        assertEquals(expected.ownerGid(), event.ownerGid(), expected + " owner gid");
        if (expected.result() == NON_NEGATIVE) {
            assertTrue(event.result() >= 0, expected + " result " + event.result());
        } else {
            assertEquals(expected.result(), event.result(), expected + " result");
        }
        assertEquals("", event.error(), expected + " error");
        assertEquals(containerId, event.container().id(), expected + " container");
        assertEquals("fileops", event.header().comm(), expected + " comm");
    }

    private static Predicate<FileEvent> fromHelper(Commands.Container container) {
        return event -> event.container().id().equals(container.id())
                && event.header().comm().equals("fileops");
    }

    /** Returns the one event of an operation by a command; runc's own setup calls differ. */
    private static FileEvent only(KernelProbe probe, Commands.Container container,
            String comm, FileOperation operation) {
        List<FileEvent> events = probe.events(e -> e.container().id().equals(container.id())
                && e.header().comm().equals(comm) && e.operation() == operation);
        assertEquals(1, events.size(), operation + " events: " + events);
        return events.get(0);
    }

    private static FileEvent onlyOpen(KernelProbe probe, Commands.Container container,
            String path) {
        List<FileEvent> events = probe.events(fromHelper(container)
                .and(e -> e.operation() == FileOperation.OPEN && e.path().equals(path)));
        assertEquals(1, events.size(), "opens of " + path + ": " + events);
        return events.get(0);
    }
}
