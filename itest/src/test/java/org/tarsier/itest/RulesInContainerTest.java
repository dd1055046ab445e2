package org.tarsier.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.options;
import static org.tarsier.itest.RulesExpectations.inContainer;
import static org.tarsier.itest.RulesExpectations.pid;
import static org.tarsier.itest.RulesExpectations.type;

import java.util.List;
import java.util.function.Predicate;

import javax.inject.Inject;

import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.osgi.framework.BundleContext;
import org.osgi.util.tracker.ServiceTracker;
import org.tarsier.api.alert.Alert;
import org.tarsier.api.event.ExecEvent;
import org.tarsier.api.probe.ProbeState;

/**
 * Each default rule that the process, syscall and TCP probes can see, triggered by real behaviour
 * inside a real container. The alert must name the container, the image and the process that the
 * process probe saw exec, with that exec's command line even for a syscall or connect made
 * milliseconds after it, and a plain container raises none of the rules.
 */
@RunWith(PaxExam.class)
public class RulesInContainerTest implements AgentProbe {

    private static final String RULE_ENGINE = "org.tarsier.detector.rules.RuleEngine";
    private static final long QUIET_MILLIS = 2_000;

    @Inject
    private BundleContext context;

    private RulesExpectations rules;

    @Configuration
    public Option[] config() {
        return options(AgentOptions.agent());
    }

    @Before
    public void agentReady() throws Exception {
        for (String probe : List.of("process", "syscall", "tcp")) {
            Services.awaitState(Services.probe(context, probe), ProbeState.LOADED, 30_000);
        }
        ServiceTracker<Object, Object> engine = new ServiceTracker<>(context,
                context.createFilter("(objectClass=" + RULE_ENGINE + ")"), null);
        engine.open();
        assertTrue("no rules detector service", engine.waitForService(30_000) != null);
        engine.close();
        Docker.ensureImage();
        rules = new RulesExpectations(context);
    }

    @After
    public void closeCollectors() {
        rules.close();
    }

    /**
     * Each test boots a new agent (Pax Exam's default reactor strategy is one framework per test
     * method), so the first container here is the first one after the agent started. runc's
     * init mounts, changes namespaces and writes sysctls in it, and the alerts for those must
     * not fire, even when the syscall probe delivers them before the process probe's exec.
     */
    @Test
    public void firstContainersAfterStartRaiseNoAlert() throws Exception {
        String first = Containers.run("tarsier-itest-rules-true", "true");
        String second = Containers.run("tarsier-itest-rules-sleep", "sleep", "1");
        Thread.sleep(3_000);

        assertEquals(List.of(), rules.matching(a -> a.container().id().equals(first)));
        assertEquals(List.of(), rules.matching(a -> a.container().id().equals(second)));
    }

    @Test
    public void shellSpawnedInContainer() throws Exception {
        String id = Containers.shell("shell", "/bin/sh -c /bin/true; true");

        Alert alert = expect("Shell spawned in container", id, "/bin/sh");

        assertEquals("exe", "/bin/sh", alert.fields().get("proc.exepath"));
        assertEquals("parent", "containerd-shim-runc-v2", alert.fields().get("proc.pname"));
        rules.expectNone("Shell spawned in container", id,
                RulesExpectations.file("/bin/sh", "/bin/true"), QUIET_MILLIS);
    }

    @Test
    public void netcatWithExecOption() throws Exception {
        String id = Containers.shell("netcat", "nc 127.0.0.1 9 -e /bin/true;"
                + " nc 127.0.0.1 10 < /dev/null; true");

        Alert rce = expect("Netcat remote code execution", id, RulesExpectations.applet("nc",
                "9"));
        Alert launched = expect("Netcat launched in container", id,
                RulesExpectations.applet("nc", "9"));

        assertTrue("cmdline", rce.fields().get("proc.cmdline").toString().contains("-e"));
        assertEquals("launched pid", rce.fields().get("proc.pid"),
                launched.fields().get("proc.pid"));
        rules.expectNone("Netcat remote code execution", id,
                RulesExpectations.applet("nc", "10"), QUIET_MILLIS);
    }

    @Test
    public void reverseShellRedirect() throws Exception {
        String id = Containers.shell("revshell",
                "sh -c 'echo x > /dev/tcp/127.0.0.1/9'; sh -c 'echo x > /tmp/tcp'; true");

        Alert alert = expect("Reverse shell redirect", id, exec -> applet("sh").test(exec)
                && exec.argv().contains("echo x > /dev/tcp/127.0.0.1/9"));

        assertTrue("cmdline", alert.fields().get("proc.cmdline").toString()
                .endsWith("-c echo x > /dev/tcp/127.0.0.1/9"));
        rules.expectNone("Reverse shell redirect", id,
                RulesExpectations.applet("sh", "echo x > /tmp/tcp"), QUIET_MILLIS);
    }

    @Test
    public void shellConnectsOut() throws Exception {
        String id = Containers.shell("shellnet", "busybox nc 127.0.0.1 9 < /dev/null; true");

        Alert alert = expect("Shell opens network connection", id, applet("busybox"));

        assertEquals("type", "connect", type(alert));
        assertTrue("connection", alert.fields().get("fd.name").toString().endsWith(
                "->127.0.0.1:9"));
    }

    @Test
    public void executionFromTemporaryDirectories() throws Exception {
        String id = Containers.shell("tmpexec", "cp /bin/busybox /tmp/true && /tmp/true;"
                + " mkdir -p /var/tmp && cp /bin/busybox /var/tmp/true && /var/tmp/true;"
                + " /bin/true");

        Alert tmp = expect("Execution from temporary directory", id, "/tmp/true");
        Alert varTmp = expect("Execution from temporary directory", id, "/var/tmp/true");

        assertEquals("exe", "/tmp/true", tmp.fields().get("proc.exepath"));
        assertEquals("exe", "/var/tmp/true", varTmp.fields().get("proc.exepath"));
        rules.expectNone("Execution from temporary directory", id,
                RulesExpectations.file("/bin/true"), QUIET_MILLIS);
    }

    @Test
    public void filelessExecutionThroughProcFd() throws Exception {
        String id = Containers.shell("fileless", "exec 3< /bin/busybox; /proc/self/fd/3; true");

        Alert alert = expect("Fileless execution", id, "/proc/self/fd/3");

        assertEquals("exe", "/proc/self/fd/3", alert.fields().get("proc.exepath"));
    }

    @Test
    public void packageManagerInContainer() throws Exception {
        String id = Containers.shell("pkg", "ln -s busybox /bin/apk; apk add curl; true");

        Alert alert = expect("Package manager in container", id, "/bin/apk");

        assertEquals("cmdline", "apk add curl", alert.fields().get("proc.cmdline"));
    }

    @Test
    public void userManagementTool() throws Exception {
        String id = Containers.shell("useradd", "/bin/passwd -l root; true");

        Alert alert = expect("User management tool launched", id, "/bin/passwd");

        assertEquals("severity", "NOTICE", alert.priority().name());
    }

    @Test
    public void cryptoMinerByName() throws Exception {
        String id = Containers.shell("miner",
                "ln -s busybox /bin/xmrig; xmrig -o stratum+tcp://127.0.0.1:3333; true");

        Alert alert = expect("Crypto miner launched", id, "/bin/xmrig");

        assertEquals("cmdline", "xmrig -o stratum+tcp://127.0.0.1:3333",
                alert.fields().get("proc.cmdline"));
    }

    @Test
    public void searchForPrivateKeys() throws Exception {
        String id = Containers.shell("keysearch", "/bin/find / -xdev -name id_rsa;"
                + " /bin/find / -xdev -name hosts; true");

        Alert alert = expect("Search for private keys or passwords", id,
                RulesExpectations.file("/bin/find", "id_rsa"));

        assertTrue("cmdline", alert.fields().get("proc.cmdline").toString()
                .endsWith("/ -xdev -name id_rsa"));
        rules.expectNone("Search for private keys or passwords", id,
                RulesExpectations.file("/bin/find", "hosts"), QUIET_MILLIS);
    }

    @Test
    public void mountAttemptFromContainer() throws Exception {
        String id = Containers.shell("mount", "mkdir -p /mnt; mount -t tmpfs none /mnt; true");

        Alert alert = expect("Mount from container", id, applet("mount"));

        assertEquals("type", "mount", type(alert));
        assertEquals("target", "/mnt", alert.fields().get("evt.arg.target"));
        assertEquals("result", "EPERM", alert.fields().get("evt.res"));
    }

    @Test
    public void namespaceChangesFromContainer() throws Exception {
        String id = Containers.shell("ns", "unshare -m true; nsenter -t 1 -m true; true");

        Alert unshare = expect("Namespace change from container", id, applet("unshare"));
        Alert setns = expect("Namespace change from container", id, applet("nsenter"));

        assertEquals("unshare type", "unshare", type(unshare));
        assertEquals("setns type", "setns", type(setns));
    }

    @Test
    public void kernelModuleLoadAttempt() throws Exception {
        String id = Containers.shell("insmod", "echo x > /tmp/m.ko; /bin/insmod /tmp/m.ko; true");

        Alert alert = expect("Kernel module loaded", id, "/bin/insmod");

        assertTrue("type", List.of("init_module", "finit_module").contains(
                type(alert)));
        assertFalse("result", "SUCCESS".equals(alert.fields().get("evt.res")));
    }

    @Test
    public void connectionToMiningPoolPort() throws Exception {
        String id = Containers.shell("poolport", "nc -l -p 3333 > /dev/null & sleep 0.5;"
                + " echo share | nc 127.0.0.1 3333; wait; nc 127.0.0.1 9 < /dev/null; true");

        Alert alert = expect("Connection to mining pool port", id, exec -> applet("nc").test(exec)
                && exec.argv().contains("127.0.0.1"));

        assertEquals("connection", "->127.0.0.1:3333", alert.fields().get("fd.name").toString()
                .replaceFirst("^[^-]*", ""));
        assertEquals("result", "SUCCESS", alert.fields().get("evt.res"));
        rules.expectNone("Connection to mining pool port", id,
                RulesExpectations.applet("nc", "9"), QUIET_MILLIS);
    }

    @Test
    public void portScanOverLoopback() throws Exception {
        String id = Containers.shell("portscan",
                "for p in $(seq 20001 20030); do nc 127.0.0.1 $p < /dev/null; done; true");

        List<Alert> found = rules.await(a -> inContainer(a, id)
                && a.rule().equals("Port scan"));
        assertEquals("port scan alerts in " + id, 1, found.size());
        Alert alert = found.get(0);
        ExecEvent exec = execOf(id, e -> e.header().pid() == pid(alert));

        assertEquals("argv[0]", "nc", exec.argv().get(0));
        RulesExpectations.assertProcess(alert, exec, id);
        assertEquals("address", "127.0.0.1", alert.fields().get("fd.rip"));
    }

    @Test
    public void forkBurstInContainer() throws Exception {
        String script = "i=0; while [ $i -lt 700 ]; do /bin/true; i=$((i+1)); done";
        String id = Containers.shell("forkburst", script);

        List<Alert> found = rules.await(a -> inContainer(a, id)
                && a.rule().equals("Fork burst in container"));
        assertFalse("no fork burst alert in " + id, found.isEmpty());
        Alert alert = found.get(0);
        ExecEvent exec = execOf(id, e -> e.argv().contains(script));

        RulesExpectations.assertProcess(alert, exec, id);
    }

    private Alert expect(String rule, String id, Predicate<ExecEvent> filter) throws Exception {
        return rules.expect(rule, id, filter);
    }

    private Alert expect(String rule, String id, String filename) throws Exception {
        return rules.expect(rule, id, RulesExpectations.file(filename));
    }

    private static Predicate<ExecEvent> applet(String name) {
        return RulesExpectations.applet(name);
    }

    private ExecEvent execOf(String id, Predicate<ExecEvent> filter) throws Exception {
        return rules.execOf(id, filter);
    }
}
