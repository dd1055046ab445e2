package org.tarsier.probe.file.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PathNamesTest {

    @ParameterizedTest
    @CsvSource({
        "/etc/passwd, false, /etc/passwd",
        "/etc//passwd, false, /etc/passwd",
        "/etc/./passwd, false, /etc/passwd",
        "/etc/reldir/../up.conf, false, /etc/up.conf",
        "/../../etc, false, /etc",
        "/tmp/t/, false, /tmp/t",
        "/, false, /",
        "/a/../../b, true, .../../b",
        "/a/b, true, .../a/b"
    })
    void normalizeResolvesDotsLexically(String path, boolean truncated, String expected) {
        assertEquals(expected, PathNames.normalize(path, truncated));
    }

    @ParameterizedTest
    @CsvSource({
        "/etc, /etc, true",
        "/etc, /etc/passwd, true",
        "/etc, /etcx, false",
        "/etc/, /etc/passwd, true",
        "/etc/, /etc, false",
        "/, /anything, true",
        "/tmp/inc, /tmp/other, false"
    })
    void matchesWholeComponents(String prefix, String path, boolean expected) {
        assertEquals(expected, PathNames.matches(prefix, path));
    }

    @ParameterizedTest
    @CsvSource({
        "/etc/shadow, /etc/shadow, true",
        "/etc/shadow, /etc/shadow-, false",
        "/home/*/.ssh, /home/ann/.ssh/id_rsa, true",
        "/home/*/.ssh, /home/ann/.ssh, true",
        "/home/*/.ssh, /home/ann/.sshx/id_rsa, false",
        "/home/*/.ssh, /home/ann/b/.ssh/id_rsa, false",
        "/home/*/.ssh, /home/ann, false",
        "/home/*/.ssh, /homes/ann/.ssh, false",
        "/etc/ssh/ssh_host_*, /etc/ssh/ssh_host_rsa_key, true",
        "/etc/ssh/ssh_host_*, /etc/ssh/ssh_host_, true",
        "/etc/ssh/ssh_host_*, /etc/ssh/sshd_config, false"
    })
    void matchesPatternWithOneStar(String pattern, String path, boolean expected) {
        assertEquals(expected, PathNames.matchesPattern(pattern, path));
    }

    @ParameterizedTest
    @CsvSource({
        "/tmp/inc/a, true",
        "/tmp/inc/skip/c, false",
        "/tmp/other, false"
    })
    void selectedAppliesIncludesThenExcludes(String path, boolean expected) {
        assertEquals(expected, PathNames.selected(path, List.of("/tmp/inc"),
                List.of("/tmp/inc/skip")));
    }
}
