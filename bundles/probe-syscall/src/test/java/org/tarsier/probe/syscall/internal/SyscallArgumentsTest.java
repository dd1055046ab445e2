package org.tarsier.probe.syscall.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class SyscallArgumentsTest {

    private final SyscallArguments x86 = new SyscallArguments("x86_64");
    private final SyscallArguments arm64 = new SyscallArguments("arm64");

    @Test
    void ptraceNamesGenericAndX86Requests() {
        assertEquals("PTRACE_SEIZE", x86.decode("ptrace", call(0x4206, 7)).get("request"));
        assertEquals("PTRACE_GETREGS", x86.decode("ptrace", call(12, 7)).get("request"));
        assertEquals("12", arm64.decode("ptrace", call(12, 7)).get("request"));
        assertEquals("7", x86.decode("ptrace", call(16, 7)).get("pid"));
    }

    @Test
    void mountFlagsDropOldMagic() {
        Map<String, String> decoded = x86.decode("mount",
                new SyscallArguments.Call(List.of(0L, 0L, 0L, 0xc0ed0000L | 4096 | 16384, 0L, 0L),
                        List.of("/src", "/dst", "none"), 0));

        assertEquals("MS_BIND|MS_REC", decoded.get("flags"));
        assertEquals("/src", decoded.get("source"));
    }

    @Test
    void cloneFlagsKeepUnknownBits() {
        assertEquals("CLONE_NEWNS|CLONE_NEWUSER|0x1",
                x86.decode("unshare", call(0x20000 | 0x10000000 | 1)).get("flags"));
        assertEquals("0", x86.decode("unshare", call(0)).get("flags"));
    }

    @Test
    void setnsWithoutTypeIsZero() {
        Map<String, String> decoded = x86.decode("setns", new SyscallArguments.Call(
                List.of(3L, 0L, 0L, 0L, 0L, 0L), List.of("/", "", ""), 4026531838L));

        assertEquals(Map.of("fd", "3", "nstype", "0", "inode", "4026531838"), decoded);
    }

    @Test
    void kexecFlagsSplitArchitecture() {
        Map<String, String> decoded = x86.decode("kexec_load", call(0x1000, 2, 0,
                (62L << 16) | 1));

        assertEquals("KEXEC_ON_CRASH", decoded.get("flags"));
        assertEquals("KEXEC_ARCH_X86_64", decoded.get("arch"));
        assertEquals("2", decoded.get("segments"));
    }

    @Test
    void moduleNameComesFromFileName() {
        assertEquals("xfs", SyscallArguments.moduleOfFile("xfs.ko.xz"));
        assertEquals("nf_tables", SyscallArguments.moduleOfFile("nf_tables.ko"));
        assertEquals("plain", SyscallArguments.moduleOfFile("plain"));
    }

    @Test
    void unknownSyscallHasNoDecodedArguments() {
        assertEquals(Map.of(), x86.decode("getppid", call()));
    }

    @Test
    void specOfMountReadsThreeStrings() {
        byte[] spec = ProbeMaps.spec("mount");

        assertEquals(1, spec[0], "selected");
        assertEquals(List.of((byte) 1, (byte) 1, (byte) 1), List.of(spec[1], spec[2], spec[3]));
        assertEquals(List.of((byte) 0, (byte) 1, (byte) 2), List.of(spec[4], spec[5], spec[6]));
    }

    private static SyscallArguments.Call call(long... values) {
        Long[] args = new Long[6];
        for (int i = 0; i < 6; i++) {
            args[i] = i < values.length ? values[i] : 0L;
        }
        return new SyscallArguments.Call(List.of(args), List.of("", "", ""), 0);
    }
}
