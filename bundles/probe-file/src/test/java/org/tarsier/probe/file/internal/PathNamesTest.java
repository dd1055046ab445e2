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
        "/tmp/inc/a, true",
        "/tmp/inc/skip/c, false",
        "/tmp/other, false"
    })
    void selectedAppliesIncludesThenExcludes(String path, boolean expected) {
        assertEquals(expected, PathNames.selected(path, List.of("/tmp/inc"),
                List.of("/tmp/inc/skip")));
    }
}
