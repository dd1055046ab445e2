package org.tarsier.detector.rules.internal.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tarsier.detector.rules.internal.eval.Events.CONTAINER;
import static org.tarsier.detector.rules.internal.eval.Events.O_CREAT;
import static org.tarsier.detector.rules.internal.eval.Events.O_WRONLY;

import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.tarsier.api.alert.Alert;
import org.tarsier.api.event.ExecEvent;
import org.tarsier.api.event.FileOperation;
import org.tarsier.detector.rules.internal.RulesManager;

/** The default rules against renamed executables, relative exec paths and relative links. */
class DisguiseRulesTest {

    private Rules rules;

    @BeforeEach
    void defaults() throws Exception {
        rules = Rules.of(List.of(RulesManager.defaultSource()));
    }

    private static ExecEvent execIn(String cwd, int pid, String filename, String... argv) {
        ExecEvent exec = Events.exec(CONTAINER, pid, 1, filename, argv);
        return new ExecEvent(exec.header(), exec.container(), exec.filename(), exec.argv(),
                false, cwd, exec.cgroupPath());
    }

    @Test
    void droppedAuthToolReadingShadowFires() {
        rules.fired(Events.open(CONTAINER, 50, "cp", "/usr/sbin/unix_chkpwd", O_WRONLY | O_CREAT));
        rules.fired(Events.exec(CONTAINER, 60, 1, "/usr/sbin/unix_chkpwd", "unix_chkpwd"));

        List<String> fired = rules.fired(Events.open(CONTAINER, 60, "unix_chkpwd", "/etc/shadow",
                0));

        assertTrue(fired.contains("Read shadow or sudoers file"), fired.toString());
    }

    @Test
    void shippedAuthToolReadingShadowIsSilent() {
        rules.fired(Events.exec(CONTAINER, 60, 1, "/usr/sbin/unix_chkpwd", "unix_chkpwd"));

        List<String> fired = rules.fired(Events.open(CONTAINER, 60, "unix_chkpwd", "/etc/shadow",
                0));

        assertFalse(fired.contains("Read shadow or sudoers file"), fired.toString());
    }

    @Test
    void relativeExecOfWrittenFileFires() {
        rules.fired(Events.open(CONTAINER, 50, "cp", "/srv/tool", O_WRONLY | O_CREAT));

        List<Alert> alerts = rules.alerts(execIn("/srv", 70, "./tool", "./tool"));

        Alert dropped = alerts.stream().filter(a -> a.rule().equals(
                "Drop and execute new binary")).findFirst().orElseThrow();
        assertEquals("/srv/tool", dropped.fields().get("proc.exepath"));
    }

    @Test
    void bareSymlinkTargetInEtcFires() {
        List<String> fired = rules.fired(Events.file(CONTAINER, 80, "ln", FileOperation.SYMLINK,
                "/etc/s2", "shadow", 0, 0, 0));

        assertTrue(fired.contains("Link to sensitive file"), fired.toString());
    }

    @Test
    void bareSymlinkTargetElsewhereIsSilent() {
        List<String> fired = rules.fired(Events.file(CONTAINER, 80, "ln", FileOperation.SYMLINK,
                "/tmp/s2", "shadow", 0, 0, 0));

        assertFalse(fired.contains("Link to sensitive file"), fired.toString());
    }

    @Test
    void openThroughRuntimeSymlinkFires() {
        rules.fired(Events.file(CONTAINER, 80, "ln", FileOperation.SYMLINK, "/tmp/s",
                "/etc/shadow", 0, 0, 0));

        List<Alert> alerts = rules.alerts(Events.open(CONTAINER, 81, "cat", "/tmp/s", 0));

        Alert read = alerts.stream().filter(a -> a.rule().equals("Read shadow or sudoers file"))
                .findFirst().orElseThrow();
        assertEquals("/etc/shadow", read.fields().get("fd.name"));
    }

    @Test
    void openThroughLinkedDirectoryFires() {
        rules.fired(Events.file(CONTAINER, 80, "ln", FileOperation.SYMLINK, "/tmp/d", "../etc",
                0, 0, 0));

        List<String> fired = rules.fired(Events.open(CONTAINER, 81, "cat", "/tmp/d/sudoers", 0));

        assertTrue(fired.contains("Read shadow or sudoers file"), fired.toString());
    }

    @Test
    void removedSymlinkIsNotFollowed() {
        rules.fired(Events.file(CONTAINER, 80, "ln", FileOperation.SYMLINK, "/tmp/s",
                "/etc/shadow", 0, 0, 0));
        rules.fired(Events.file(CONTAINER, 80, "rm", FileOperation.UNLINK, "/tmp/s", "", 0, 0,
                0));

        List<String> fired = rules.fired(Events.open(CONTAINER, 81, "cat", "/tmp/s", 0));

        assertFalse(fired.contains("Read shadow or sudoers file"), fired.toString());
    }

    @Test
    void symlinkInOtherContainerIsNotFollowed() {
        rules.fired(Events.file(Events.HOST, 80, "ln", FileOperation.SYMLINK, "/tmp/s",
                "/etc/shadow", 0, 0, 0));

        List<String> fired = rules.fired(Events.open(CONTAINER, 81, "cat", "/tmp/s", 0));

        assertFalse(fired.contains("Read shadow or sudoers file"), fired.toString());
    }
}
