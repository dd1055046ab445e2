package org.tarsier.detector.rules.internal.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.tarsier.api.container.ContainerInfo;
import org.tarsier.api.event.ExecEvent;
import org.tarsier.api.event.FileEvent;
import org.tarsier.api.event.FileOperation;

class OperatorsTest {

    private static final ExecEvent CURL = Events.exec(Events.CONTAINER, 100, 50,
            "/usr/bin/curl", "curl", "-s", "http://example.invalid/a.sh");

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "proc.name = curl                                | true",
        "proc.name == curl                               | true",
        "proc.name = wget                                | false",
        "proc.name != wget                               | true",
        "proc.name != curl                               | false",
        "proc.pid = 100                                  | true",
        "proc.pid < 101                                  | true",
        "proc.pid < 100                                  | false",
        "proc.pid <= 100                                 | true",
        "proc.pid > 99                                   | true",
        "proc.pid > 100                                  | false",
        "proc.pid >= 100                                 | true",
        "proc.pid in (1, 100)                            | true",
        "proc.pid in (1, 2)                              | false",
        "proc.name in (wget, curl)                       | true",
        "proc.name in ()                                 | false",
        "evt.type intersects (execve, open)              | true",
        "evt.type intersects (open, connect)             | false",
        "proc.cmdline contains example.invalid           | true",
        "proc.cmdline contains EXAMPLE                   | false",
        "proc.cmdline icontains EXAMPLE                  | true",
        "proc.cmdline startswith 'curl -s'               | true",
        "proc.cmdline startswith -s                      | false",
        "proc.cmdline endswith a.sh                      | true",
        "proc.cmdline endswith a.py                      | false",
        "proc.exepath glob '/usr/*/cu?l'                 | true",
        "proc.exepath glob '/usr/*/wget'                 | false",
        "proc.exepath iglob '/USR/BIN/CURL'              | true",
        "proc.exepath pmatch (/usr/bin, /opt)            | true",
        "proc.exepath pmatch (/usr/b)                    | false",
        "proc.exepath regex '/usr/bin/c.*'               | true",
        "proc.exepath regex 'curl'                       | false",
        "proc.cmdline bcontains 6375726c                 | true",
        "proc.cmdline bstartswith 6375                   | true",
        "proc.exepath exists                             | true",
        "fd.name exists                                  | false",
        "not fd.name exists                              | true",
        "evt.dir = <                                     | true",
        "evt.dir=<                                       | true",
        "evt.res = SUCCESS                               | true",
        "proc.tty = 0                                    | true",
        "evt.is_open_write = false                       | true",
        "proc.name = curl and proc.pid = 1               | false",
        "proc.name = wget or proc.pid = 100              | true",
        "not (proc.name = wget or proc.pid = 1)          | true",
        "not proc.name = curl                            | false",
        "container.id = 3f1c2a9b8d7e                     | true",
        "container.full_id startswith 3f1c2a9b8d7e6f     | true",
        "container.image.repository = registry.example/team/nginx | true",
        "container.image.tag = 1.27                      | true",
        "container.label[app] = web                      | true",
        "k8s.ns.name = shop                              | true",
        "k8s.pod.name = web-0                            | true",
        "user.name = root                                | true",
        "user.uid = 0                                    | true"})
    void operatorOnExec(String condition, boolean expected) throws Exception {
        Rules rules = Rules.condition(condition);

        assertEquals(expected, rules.matches(CURL), condition);
    }

    @ParameterizedTest(name = "{0}: {1} {2}")
    @CsvSource(delimiter = '|', value = {
        "busybox                | busybox            | latest",
        "localhost:5000/app     | localhost:5000/app | latest",
        "app@sha256:ab12        | app                | ''",
        "sha256:ab12            | ''                 | ''"})
    void imageWithoutTagSplit(String image, String repository, String tag) throws Exception {
        ContainerInfo container = new ContainerInfo("docker", Events.CONTAINER_ID, "web", image,
                Map.of(), "", "", "");
        ExecEvent exec = Events.exec(container, 100, 50, "/bin/sh", "sh");
        Rules repositoryRule = Rules.condition("container.image.repository = '" + repository
                + "'");
        Rules tagRule = Rules.condition("container.image.tag = '" + tag + "'");

        assertTrue(repositoryRule.matches(exec), "repository of " + image);
        assertTrue(tagRule.matches(exec), "tag of " + image);
    }

    @Test
    void nullFieldFailsEveryComparison() throws Exception {
        Rules rules = Rules.condition("fd.name != /etc/passwd");

        assertFalse(rules.matches(CURL));
    }

    @Test
    void listReferenceExpandsInside() throws Exception {
        Rules rules = Rules.of("""
                - list: tools
                  items: [wget, curl]
                - list: more_tools
                  items: [tools, nc]
                """ + Rules.rule("proc.name in (more_tools)", "x"));

        assertTrue(rules.matches(CURL));
    }

    @Test
    void quotedListNameIsAValue() throws Exception {
        Rules rules = Rules.of("- list: tools\n  items: [curl]\n"
                + Rules.rule("proc.name in ('tools')", "x"));

        assertFalse(rules.matches(CURL));
    }

    @Test
    void openFlagsRenderSymbolically() throws Exception {
        Rules rules = Rules.condition("evt.arg.flags contains O_TRUNC and evt.is_open_write=true");
        FileEvent truncate = Events.open(Events.HOST, 5, "sh", "/var/log/x",
                Events.O_WRONLY | Events.O_TRUNC);
        FileEvent append = Events.open(Events.HOST, 5, "sh", "/var/log/x", Events.O_WRONLY);

        assertTrue(rules.matches(truncate));
        assertFalse(rules.matches(append));
    }

    @Test
    void fdNumIsMinusOneForFailedOpen() throws Exception {
        Rules rules = Rules.condition("fd.num = -1 and evt.res startswith E");
        FileEvent failed = Events.file(Events.HOST, 5, "cat", FileOperation.OPEN, "/etc/shadow",
                "", 0, 0, -13);

        assertTrue(rules.matches(failed));
    }

    @Test
    void syscallArgumentsAreFields() throws Exception {
        Rules rules = Rules.condition("evt.type = ptrace and evt.arg.request = PTRACE_ATTACH"
                + " and evt.arg[pid] = 77");

        assertTrue(rules.matches(Events.syscall(Events.HOST, 5, "gdb", "ptrace",
                Map.of("request", "PTRACE_ATTACH", "pid", "77"), 0)));
    }

    @Test
    void tcpFieldsNameClientAndServer() throws Exception {
        Rules rules = Rules.condition("fd.sip = 10.9.9.9 and fd.sport = 443 and fd.cip = 10.0.0.2"
                + " and fd.lport = 40000 and fd.rport = 443 and fd.l4proto = tcp"
                + " and fd.typechar = 4 and fd.name = 10.0.0.2:40000->10.9.9.9:443");

        assertTrue(rules.matches(Events.connect(Events.HOST, 1, 5, "curl", "10.9.9.9", 443)));
    }

    @Test
    void fileFieldsUseNormalizedPath() throws Exception {
        Rules rules = Rules.condition("fd.name = /etc/shadow and fd.directory = /etc"
                + " and fd.filename = shadow");

        assertTrue(rules.matches(Events.open(Events.HOST, 5, "cat", "/etc/./ssl/../shadow", 0)));
    }

    @Test
    void rawPathKeepsTraversal() throws Exception {
        Rules rules = Rules.condition("fd.nameraw glob '*../*../*' and fd.name = /etc/passwd");

        assertTrue(rules.matches(Events.open(Events.HOST, 5, "php", "/var/www/../../etc/passwd",
                0)));
    }

    @Test
    void resolvedOpenSetsOpenedFileAsFdName() throws Exception {
        Rules rules = Rules.condition("fd.name = /etc/shadow and fd.nameraw = /tmp/x"
                + " and evt.arg.name = /etc/shadow");

        assertTrue(rules.matches(Events.resolvedOpen(Events.HOST, 5, "cat", "/etc/shadow",
                "/tmp/x")));
    }

    @Test
    void renameSetsNewPathAsFdName() throws Exception {
        Rules rules = Rules.condition("evt.type = rename and fd.name = /etc/passwd"
                + " and evt.arg.oldpath = /tmp/p");

        assertTrue(rules.matches(Events.file(Events.HOST, 5, "mv", FileOperation.RENAME,
                "/tmp/p", "/etc/passwd", 0, 0, 0)));
    }

    @Test
    void chmodModeRendersSetuidBit() throws Exception {
        Rules rules = Rules.condition("evt.arg.mode contains S_ISUID");

        assertTrue(rules.matches(Events.file(Events.HOST, 5, "chmod", FileOperation.CHMOD,
                "/tmp/x", "", 0, 04755, 0)));
        assertFalse(rules.matches(Events.file(Events.HOST, 5, "chmod", FileOperation.CHMOD,
                "/tmp/x", "", 0, 0755, 0)));
    }
}
