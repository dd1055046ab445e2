package org.tarsier.probe.syscall.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.tarsier.probe.syscall.internal.SyscallTable.Abi;

class SyscallTableTest {

    private static final Pattern DEFINE = Pattern.compile("#define __NR_(\\w+) (\\d+)");

    @ParameterizedTest
    @CsvSource({
        "amd64, NATIVE, 110, getppid",
        "amd64, NATIVE, 165, mount",
        "amd64, NATIVE, 321, bpf",
        "amd64, NATIVE, 462, mseal",
        "amd64, COMPAT, 21, mount",
        "amd64, COMPAT, 64, getppid",
        "aarch64, NATIVE, 173, getppid",
        "aarch64, NATIVE, 40, mount",
        "aarch64, NATIVE, 39, umount2",
        "aarch64, NATIVE, 280, bpf",
        "aarch64, NATIVE, 273, finit_module",
    })
    void namesKnownSyscalls(String arch, Abi abi, int number, String name) {
        SyscallTable table = SyscallTable.forArchitecture(arch);

        assertEquals(name, table.name(abi, number));
        assertEquals(Optional.of(number), table.number(abi, name));
    }

    @Test
    void namesUnknownNumbers() {
        SyscallTable x86 = SyscallTable.forArchitecture("amd64");
        SyscallTable arm64 = SyscallTable.forArchitecture("aarch64");

        assertEquals("syscall_999", x86.name(Abi.NATIVE, 999));
        assertEquals("compat_syscall_999", x86.name(Abi.COMPAT, 999));
        assertEquals("compat_syscall_21", arm64.name(Abi.COMPAT, 21));
    }

    @Test
    void everyDefaultSyscallExistsOnBothArchitectures() {
        for (String arch : new String[] {"amd64", "aarch64"}) {
            SyscallTable table = SyscallTable.forArchitecture(arch);
            for (String name : SyscallArguments.DEFAULT_SELECTION) {
                assertTrue(table.number(Abi.NATIVE, name).isPresent(), name + " on " + arch);
            }
        }
    }

    @Test
    void x86TablesMatchInstalledHeaders() throws Exception {
        Path headers = Path.of("/usr/include/x86_64-linux-gnu/asm");
        assumeTrue(Files.isDirectory(headers), "UAPI headers of linux-libc-dev are installed");

        assertEquals(defines(headers.resolve("unistd_64.h")),
                limitTo(SyscallTable.load("syscalls-x86_64.txt"), 450), "x86_64");
        assertEquals(defines(headers.resolve("unistd_32.h")),
                limitTo(SyscallTable.load("syscalls-i386.txt"), 450), "i386");
    }

    @Test
    void errnoNamesResults() {
        assertEquals("EPERM", ErrnoNames.ofResult(-1));
        assertEquals("ESRCH", ErrnoNames.ofResult(-3));
        assertEquals("EOPNOTSUPP", ErrnoNames.ofResult(-95));
        assertEquals("", ErrnoNames.ofResult(0));
        assertEquals("", ErrnoNames.ofResult(5));
        assertEquals("errno_4000", ErrnoNames.ofResult(-4000));
    }

    private static Map<Integer, String> defines(Path header) throws Exception {
        Map<Integer, String> names = new LinkedHashMap<>();
        for (String line : Files.readAllLines(header)) {
            Matcher matcher = DEFINE.matcher(line);
            if (matcher.matches()) {
                names.put(Integer.parseInt(matcher.group(2)), matcher.group(1));
            }
        }
        return names;
    }

    private static Map<Integer, String> limitTo(Map<Integer, String> table, int maxNumber) {
        Map<Integer, String> limited = new LinkedHashMap<>();
        table.forEach((number, name) -> {
            if (number <= maxNumber) {
                limited.put(number, name);
            }
        });
        return limited;
    }
}
