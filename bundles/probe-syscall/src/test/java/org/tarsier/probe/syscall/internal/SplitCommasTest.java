package org.tarsier.probe.syscall.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;

class SplitCommasTest {

    @Test
    void cfgStringSplitIntoNames() {
        assertArrayEquals(new String[] {"ptrace", "mount"},
                SyscallProbe.splitCommas(new String[] {"ptrace, mount"}));
    }

    @Test
    void arrayElementsKept() {
        assertArrayEquals(new String[] {"ptrace", "mount"},
                SyscallProbe.splitCommas(new String[] {"ptrace", "mount"}));
    }

    @Test
    void emptyElementsDropped() {
        assertArrayEquals(new String[0], SyscallProbe.splitCommas(new String[] {" , "}));
    }
}
