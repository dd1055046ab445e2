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
import org.tarsier.api.event.FileOperation;

/**
 * Read-only opens with the default settings ({@code opens=write}): the kernel lets through
 * those whose opened file or given path is in the sensitive-read list, whatever the path as
 * given looks like. Needs root, a Docker engine and gcc with a static libc.
 */
class SensitiveReadsTest {

    private static final Duration QUIET = Duration.ofMillis(300);
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final String SETUP = "mkdir -p /root/.ssh /home/ann/.ssh /etc/ssh"
            + " && echo s > /etc/shadow && echo o > /etc/ordinary"
            + " && echo k > /root/.ssh/id_rsa && echo k > /home/ann/.ssh/id_ed25519"
            + " && echo n > /home/ann/notes && echo h > /etc/ssh/ssh_host_rsa_key"
            + " && echo c > /etc/ssh/sshd_config && ";

    @Test
    void disguisedShadowReadsCarryRealPath() throws Exception {
        Path links = Files.createTempDirectory("tarsier-file-links");
        // made before the probe starts, so no SYMLINK event can tell where it points
        Files.createSymbolicLink(links.resolve("x"), Path.of("/etc/shadow"));
        try (KernelProbe probe = KernelProbe.start()) {
            Commands.Container container = Commands.runContainer(SETUP
                    + Commands.HELPER_IN_CONTAINER + " open /etc/shadow 0 0"
                    + " + open /mnt/links/x 0 0 + chdir /etc + open shadow 0 0"
                    + " + openat /etc shadow 0 0 + open ../etc/./shadow 0 0"
                    + " + open /etc/ordinary 0 0",
                    "-v", links + ":/mnt/links:ro");
            probe.settle(QUIET, TIMEOUT);

            List<FileEvent> events = probe.events(opensBy(container));
            List<String> requested = events.stream().map(FileEvent::requestedPath).toList();

            assertEquals(List.of("/etc/shadow", "/mnt/links/x", "/etc/shadow", "/etc/shadow",
                    "/etc/shadow"), requested, "requested paths of " + events);
            for (FileEvent event : events) {
                assertEquals("/etc/shadow", event.path(), "path of " + event);
                assertFalse(event.writeIntent(), "write intent of " + event);
                assertTrue(event.result() >= 0, "result of " + event);
            }
            assertEquals(List.of(), probe.received(opensBy(container)
                    .and(e -> !e.path().equals("/etc/shadow"))),
                    "records of ordinary reads, the directory fd's open included");
        } finally {
            Files.delete(links.resolve("x"));
            Files.delete(links);
        }
    }

    @Test
    void sshKeysMatchStarPatterns() throws Exception {
        try (KernelProbe probe = KernelProbe.start()) {
            Commands.Container container = Commands.runContainer(SETUP
                    + Commands.HELPER_IN_CONTAINER + " open /root/.ssh/id_rsa 0 0"
                    + " + open /home/ann/.ssh/id_ed25519 0 0 + open /home/ann/notes 0 0"
                    + " + open /etc/ssh/ssh_host_rsa_key 0 0 + open /etc/ssh/sshd_config 0 0"
                    + " + open /etc/gshadow 0 0");
            probe.settle(QUIET, TIMEOUT);

            List<String> received = probe.received(opensBy(container)).stream()
                    .map(e -> e.path() + (e.failed() ? " " + e.error() : "")).toList();

            assertEquals(List.of("/root/.ssh/id_rsa", "/home/ann/.ssh/id_ed25519",
                    "/etc/ssh/ssh_host_rsa_key", "/etc/gshadow ENOENT"), received);
        }
    }

    @Test
    void sensitiveListChangesAtRuntime() throws Exception {
        Settings none = new Settings(true, true, true, List.of(), List.of(), List.of(), 100);
        Settings secret = new Settings(true, true, true, List.of(), List.of(),
                List.of("/srv/secret"), 100);
        String script = "mkdir -p /srv && echo s > /srv/secret && echo s > /etc/shadow && "
                + Commands.HELPER_IN_CONTAINER + " open /srv/secret 0 0 + open /etc/shadow 0 0";
        try (KernelProbe probe = KernelProbe.start(none)) {
            Commands.Container before = Commands.runContainer(script);
            probe.settle(QUIET, TIMEOUT);
            probe.reconfigure(secret);
            Commands.Container after = Commands.runContainer(script);
            probe.settle(QUIET, TIMEOUT);

            List<FileEvent> hidden = probe.received(opensBy(before));
            List<String> seen = probe.events(opensBy(after)).stream().map(FileEvent::path)
                    .toList();

            assertEquals(List.of(), hidden, "records with an empty sensitive-read list");
            assertEquals(List.of("/srv/secret"), seen, "events with /srv/secret listed");
        }
    }

    @Test
    void starAfterRootMatchesEveryTopFolder() throws Exception {
        // '*' as the second byte: the kernel's quick test by that byte must let every path on
        Settings star = new Settings(true, true, true, List.of(), List.of(),
                List.of("/*/secret"), 100);
        String script = "mkdir -p /srv /opt && echo s > /srv/secret && echo s > /opt/secret"
                + " && " + Commands.HELPER_IN_CONTAINER + " open /srv/secret 0 0"
                + " + open /opt/secret 0 0 + open /usr/secret 0 0 + open /etc/hostname 0 0";
        try (KernelProbe probe = KernelProbe.start(star)) {
            Commands.Container container = Commands.runContainer(script);
            probe.settle(QUIET, TIMEOUT);

            List<String> received = probe.received(opensBy(container)).stream()
                    .map(e -> e.path() + (e.failed() ? " " + e.error() : "")).toList();

            assertEquals(List.of("/srv/secret", "/opt/secret", "/usr/secret ENOENT"), received);
        }
    }

    @Test
    void renameEndsCachedDrop() throws Exception {
        // The same path as given reaches the same dentry before and after its folder moves
        // into /root/.ssh, so only the rename shows the kernel that the path changed.
        try (KernelProbe probe = KernelProbe.start()) {
            Commands.Container container = Commands.runContainer("mkdir -p /tmp/d /root"
                    + " && echo k > /tmp/d/id_rsa && ln -s /tmp/d /tmp/link && "
                    + Commands.HELPER_IN_CONTAINER + " open /tmp/link/id_rsa 0 0"
                    + " + open /tmp/link/id_rsa 0 0 + rename /tmp/d /root/.ssh"
                    + " + unlink /tmp/link + symlink /root/.ssh /tmp/link"
                    + " + open /tmp/link/id_rsa 0 0");
            probe.settle(QUIET, TIMEOUT);

            List<FileEvent> received = probe.received(opensBy(container));

            assertEquals(1, received.size(), "records of the three opens: " + received);
            assertEquals("/root/.ssh/id_rsa", received.get(0).path(), "path");
            assertEquals("/tmp/link/id_rsa", received.get(0).requestedPath(), "path as given");
        }
    }

    @Test
    void mountMoveEndsCachedDrop() throws Exception {
        // As in the rename case, but the folder is a mount that moves into /root/.ssh: the path
        // as given reaches the same dentry on the same mount, so no rename shows the change.
        try (KernelProbe probe = KernelProbe.start()) {
            Commands.Container container = Commands.runContainer("mkdir -p /tmp/d /root/.ssh"
                    + " && mount -t tmpfs none /tmp/d && echo k > /tmp/d/id_rsa"
                    + " && ln -s /tmp/d /tmp/link && "
                    + Commands.HELPER_IN_CONTAINER + " open /tmp/link/id_rsa 0 0"
                    + " + open /tmp/link/id_rsa 0 0"
                    + " && mount -o move /tmp/d /root/.ssh && rm /tmp/link"
                    + " && ln -s /root/.ssh /tmp/link && "
                    + Commands.HELPER_IN_CONTAINER + " open /tmp/link/id_rsa 0 0",
                    "--cap-add", "SYS_ADMIN", "--security-opt", "apparmor=unconfined");
            probe.settle(QUIET, TIMEOUT);

            List<FileEvent> received = probe.received(opensBy(container));

            assertEquals(1, received.size(), "records of the three opens: " + received);
            assertEquals("/root/.ssh/id_rsa", received.get(0).path(), "path");
            assertEquals("/tmp/link/id_rsa", received.get(0).requestedPath(), "path as given");
        }
    }

    @Test
    void listChangeEndsCachedDrop() throws Exception {
        Settings shadow = new Settings(true, true, true, List.of(), List.of(),
                List.of("/etc/shadow"), 100);
        Settings secret = new Settings(true, true, true, List.of(), List.of(),
                List.of("/etc/shadow", "/srv/secret"), 100);
        String helper = Commands.helper().toString();
        String id = Commands.output("docker", "run", "-d", "--rm", "--network", "none",
                "--label", Commands.TEST_LABEL, "-v", helper + ":" + Commands.HELPER_IN_CONTAINER
                        + ":ro", Commands.BUSYBOX_IMAGE, "sh", "-c",
                "mkdir -p /srv && echo s > /srv/secret && sleep 60").strip();
        Commands.output("docker", "exec", id, "sh", "-c",
                "until [ -s /srv/secret ]; do sleep 0.1; done");
        try (KernelProbe probe = KernelProbe.start(shadow)) {
            // two processes of one container: the same root, so the same cached entry
            Commands.output("docker", "exec", id, Commands.HELPER_IN_CONTAINER,
                    "open", "/srv/secret", "0", "0", "+", "open", "/srv/secret", "0", "0");
            probe.settle(QUIET, TIMEOUT);
            List<FileEvent> hidden = probe.received(e -> e.path().equals("/srv/secret"));
            probe.reconfigure(secret);
            Commands.output("docker", "exec", id, Commands.HELPER_IN_CONTAINER,
                    "open", "/srv/secret", "0", "0");
            probe.settle(QUIET, TIMEOUT);

            List<FileEvent> seen = probe.events(e -> e.path().equals("/srv/secret"));

            assertEquals(List.of(), hidden, "records before /srv/secret was listed");
            assertEquals(1, seen.size(), "events after /srv/secret was listed: " + seen);
        } finally {
            Commands.run("docker", "rm", "-f", id);
        }
    }

    @Test
    void hostReadsNeedScopeAll() throws Exception {
        Path file = Files.createTempFile("tarsier-file-host", ".key");
        Settings containers = new Settings(true, true, true, List.of(), List.of(),
                List.of(file.toString()), 100);
        Settings all = new Settings(true, false, true, List.of(), List.of(),
                List.of(file.toString()), 100);
        String helper = Commands.helper().toString();
        try (KernelProbe probe = KernelProbe.start(containers)) {
            Commands.output(helper, "open", file.toString(), "0", "0");
            probe.settle(QUIET, TIMEOUT);
            List<FileEvent> hidden = probe.received(e -> e.path().equals(file.toString()));
            probe.reconfigure(all);
            Commands.output(helper, "open", file.toString(), "0", "0");
            probe.settle(QUIET, TIMEOUT);

            List<FileEvent> seen = probe.events(e -> e.path().equals(file.toString()));

            assertEquals(List.of(), hidden, "records of a host task with scope=containers");
            assertEquals(1, seen.size(), "events of a host task with scope=all: " + seen);
            assertTrue(seen.get(0).container().isHost(), "container " + seen.get(0).container());
        } finally {
            Files.delete(file);
        }
    }

    /** Selects the read-only opens of the helper in one container. */
    private static Predicate<FileEvent> opensBy(Commands.Container container) {
        return event -> event.container().id().equals(container.id())
                && event.header().comm().equals("fileops")
                && event.operation() == FileOperation.OPEN && !event.writeIntent();
    }
}
