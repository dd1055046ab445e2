package org.tarsier.webconsole.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;

class ProbeRowTest {

    @Test
    void programCountIgnoresRepeatedAttachments() {
        List<String> attachments = List.of(
                "enter_open: tracepoint syscalls/sys_enter_open",
                "handle_sys_exit: tracepoint syscalls/sys_exit_open",
                "handle_sys_exit: tracepoint syscalls/sys_exit_openat");

        assertEquals(2, ProbeRow.programCount(attachments));
    }

    @Test
    void programCountKeepsEntryWithoutAttachPoint() {
        assertEquals(2, ProbeRow.programCount(List.of("handle_exec", "handle_exit")));
    }
}
