package org.tarsier.detector.rules.internal.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ProcessFieldsTest {

    @Test
    void parentAndAncestorsComeFromProcessTable() throws Exception {
        Rules rules = Rules.condition("proc.pname = bash and proc.aname[2] = sshd"
                + " and proc.aname = sshd and proc.aname[0] = id and proc.pcmdline = 'bash -l'");
        rules.alerts(Events.exec(Events.HOST, 10, 1, "/usr/sbin/sshd", "sshd"));
        rules.alerts(Events.fork(Events.HOST, 1, 10, 20));
        rules.alerts(Events.exec(Events.HOST, 20, 10, "/bin/bash", "bash", "-l"));
        rules.alerts(Events.fork(Events.HOST, 1, 20, 30));

        assertTrue(rules.matches(Events.exec(Events.HOST, 30, 20, "/usr/bin/id", "id")));
    }

    @Test
    void forkedChildInheritsParentImage() throws Exception {
        Rules rules = Rules.condition("evt.type = openat and proc.name = bash and proc.ppid = 20");
        rules.alerts(Events.exec(Events.HOST, 20, 1, "/bin/bash", "bash"));
        rules.alerts(Events.fork(Events.HOST, 1, 20, 21));

        assertTrue(rules.matches(Events.open(Events.HOST, 21, "bash", "/tmp/x", 0)));
    }

    @Test
    void exitRemovesProcess() throws Exception {
        Rules rules = Rules.condition("evt.type = procexit");
        rules.alerts(Events.exec(Events.HOST, 20, 1, "/bin/bash", "bash"));
        int before = rules.engine.processCount();

        assertTrue(rules.matches(Events.exit(Events.HOST, 20)));
        assertEquals(before - 1, rules.engine.processCount());
    }

    @Test
    void cmdlineUsesNameAndArguments() throws Exception {
        Rules rules = Rules.condition("proc.cmdline = 'python3.11 -c print(1)' and proc.exe = python"
                + " and proc.args = '-c print(1)' and proc.exepath = /usr/bin/python3.11");

        assertTrue(rules.matches(Events.exec(Events.HOST, 5, 1, "/usr/bin/python3.11", "python",
                "-c", "print(1)")));
    }

    @Test
    void unknownProcessFallsBackToHeader() throws Exception {
        Rules rules = Rules.condition("proc.name = nginx and not proc.pname exists");

        assertTrue(rules.matches(Events.open(Events.HOST, 999, "nginx", "/tmp/x", 0)));
    }

    @Test
    void exeWrittenAtRunTimeIsFlagged() throws Exception {
        Rules rules = Rules.condition("proc.is_exe_written = true");
        rules.alerts(Events.open(Events.CONTAINER, 5, "curl", "/tmp/payload",
                Events.O_WRONLY | Events.O_CREAT));

        assertTrue(rules.matches(Events.exec(Events.CONTAINER, 6, 5, "/tmp/payload", "payload")));
        assertFalse(rules.matches(Events.exec(Events.HOST, 7, 5, "/tmp/payload", "payload")));
    }
}
