package org.tarsier.probe.file.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ErrnoNamesTest {

    @ParameterizedTest
    @CsvSource({
        "-1, EPERM",
        "-2, ENOENT",
        "-13, EACCES",
        "-17, EEXIST",
        "-95, EOPNOTSUPP",
        "-133, EHWPOISON",
        "-41, errno 41",
        "-512, errno 512",
        "0, ''",
        "5, ''"
    })
    void ofResultNamesNegativeResults(long result, String expected) {
        assertEquals(expected, ErrnoNames.ofResult(result));
    }
}
