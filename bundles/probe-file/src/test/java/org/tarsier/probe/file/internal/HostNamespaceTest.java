package org.tarsier.probe.file.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;

import org.junit.jupiter.api.Test;

class HostNamespaceTest {

    @Test
    void inodeOfParsesUnsignedInode() throws IOException {
        assertEquals((int) 4026531840L, HostNamespace.inodeOf("mnt:[4026531840]"));
    }

    @Test
    void inodeOfRejectsOtherNamespaces() {
        IOException e = assertThrows(IOException.class,
                () -> HostNamespace.inodeOf("pid:[4026531836]"));

        assertEquals("unexpected mount namespace link pid:[4026531836]: expected mnt:[inode]",
                e.getMessage());
    }
}
