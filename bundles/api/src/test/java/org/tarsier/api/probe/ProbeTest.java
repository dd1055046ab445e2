package org.tarsier.api.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;

class ProbeTest {

    @Test
    void countProgramsIgnoresRepeatedAttachments() {
        List<String> attachments = List.of(
                "enter_open: tracepoint syscalls/sys_enter_open",
                "handle_sys_exit: tracepoint syscalls/sys_exit_open",
                "handle_sys_exit: tracepoint syscalls/sys_exit_openat");

        assertEquals(2, Probe.countPrograms(attachments));
    }

    @Test
    void countProgramsKeepsEntryWithoutAttachPoint() {
        assertEquals(2, Probe.countPrograms(List.of("handle_exec", "handle_exit")));
    }
}
