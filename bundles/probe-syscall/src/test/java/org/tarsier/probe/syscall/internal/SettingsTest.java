package org.tarsier.probe.syscall.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

class SettingsTest {

    private static final SyscallTable TABLE = SyscallTable.forArchitecture("amd64");

    @Test
    void defaultsAreValid() {
        Settings.Result result = parse(1000, new String[0], new String[] {"mount", "bpf"}, 16384);

        assertEquals(List.of(), result.problems());
        assertEquals(List.of("mount", "bpf"), result.settings().syscalls());
    }

    @Test
    void hostCgroupsAcceptIdsAndPaths(@org.junit.jupiter.api.io.TempDir Path directory)
            throws Exception {
        long inode = ((Number) Files.getAttribute(directory, "unix:ino",
                LinkOption.NOFOLLOW_LINKS)).longValue();

        Settings.Result result = parse(1000, new String[] {"42", directory.toString()},
                new String[0], 16384);

        assertEquals(Set.of(42L, inode), result.settings().hostCgroups());
    }

    @Test
    void invalidValuesNamePropertyAndValue() {
        Settings.Result result = parse(5, new String[] {"-1", "/no/such/cgroup"},
                new String[] {"mount", "no_such_call"}, 10);

        assertNull(result.settings());
        assertEquals(5, result.problems().size(), String.join("\n", result.problems()));
        assertEquals("window.ms=5 is invalid: expected an integer from 100 to 3600000",
                result.problems().get(0));
        assertEquals("syscalls entry no_such_call is invalid: expected a syscall name of"
                + " x86_64, e.g. mount", result.problems().get(4));
    }

    private static Settings.Result parse(int window, String[] hostCgroups, String[] syscalls,
            int entries) {
        return Settings.parse(true, window, false, hostCgroups, syscalls, entries, 100, TABLE);
    }
}
