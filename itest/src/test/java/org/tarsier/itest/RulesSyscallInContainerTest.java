package org.tarsier.itest;

import static org.junit.Assert.assertEquals;
import static org.ops4j.pax.exam.CoreOptions.options;
import static org.tarsier.itest.RulesExpectations.applet;
import static org.tarsier.itest.RulesExpectations.file;

import java.util.List;

import javax.inject.Inject;

import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.osgi.framework.BundleContext;
import org.tarsier.api.alert.Alert;
import org.tarsier.api.probe.ProbeState;

/**
 * The default rules on memfd_create, ptrace, bpf and connections to the cloud metadata address,
 * triggered inside a real container by a static helper that makes each call directly. Calls
 * that the container's missing privileges make fail still raise the alert.
 */
@RunWith(PaxExam.class)
public class RulesSyscallInContainerTest implements AgentProbe {

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
        Docker.ensureImage();
        rules = new RulesExpectations(context);
    }

    @After
    public void closeCollectors() {
        rules.close();
    }

    @Test
    public void memoryFileInContainerOnly() throws Exception {
        String rule = "Memory file created in container";
        String id = RulesContainers.shell("memfd", "/rulesops memfd; true");

        Alert alert = rules.expect(rule, id, file("/rulesops", "memfd"));

        assertEquals("name", "payload", alert.fields().get("evt.arg.name"));
        Docker.Result host = Docker.run(List.of(RulesContainers.helper().toString(), "memfd"),
                30);
        assertEquals("host helper exit code", 0, host.exitCode());
        rules.expectNone(rule, "host", file(RulesContainers.helper().toString(), "memfd"),
                QUIET_MILLIS);
    }

    @Test
    public void ptraceAttachButNotTraceme() throws Exception {
        String rule = "Ptrace attach";
        String attach = RulesContainers.shell("ptrace", "/rulesops ptrace-attach; true");
        String traceme = RulesContainers.shell("traceme", "/rulesops ptrace-traceme; true");

        Alert alert = rules.expect(rule, attach, file("/rulesops", "ptrace-attach"));

        assertEquals("request", "PTRACE_ATTACH", alert.fields().get("evt.arg.request"));
        rules.execOf(traceme, file("/rulesops", "ptrace-traceme"));
        Thread.sleep(QUIET_MILLIS);
        assertEquals("ptrace alerts in " + traceme, List.of(), rules.matching(
                a -> RulesExpectations.inContainer(a, traceme) && a.rule().equals(rule)));
    }

    @Test
    public void bpfProgramLoadAttempt() throws Exception {
        String rule = "BPF program loaded from container";
        String id = RulesContainers.shell("bpf", "/rulesops bpf-prog-load;"
                + " /rulesops bpf-map-create; true");

        Alert alert = rules.expect(rule, id, file("/rulesops", "bpf-prog-load"));

        assertEquals("result", "EPERM", alert.fields().get("evt.res"));
        rules.expectNone(rule, id, file("/rulesops", "bpf-map-create"), QUIET_MILLIS);
    }

    @Test
    public void cloudMetadataConnectAttempt() throws Exception {
        String rule = "Contact cloud metadata service from container";
        String id = RulesContainers.shell("metadata", "nc 169.254.169.254 80 < /dev/null;"
                + " nc 127.0.0.1 80 < /dev/null; true");

        Alert alert = rules.expect(rule, id, applet("nc", "169.254.169.254"));

        assertEquals("connection", "169.254.169.254:80", alert.fields().get("fd.name")
                .toString().replaceFirst("^.*->", ""));
        rules.expectNone(rule, id, applet("nc", "127.0.0.1"), QUIET_MILLIS);
    }
}
