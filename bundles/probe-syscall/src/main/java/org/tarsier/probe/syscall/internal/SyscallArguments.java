package org.tarsier.probe.syscall.internal;

import static org.tarsier.probe.syscall.internal.RecordLayouts.SLOT_FD_NAME;
import static org.tarsier.probe.syscall.internal.RecordLayouts.SLOT_MODULE_IMAGE;
import static org.tarsier.probe.syscall.internal.RecordLayouts.SLOT_USER_STRING;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Argument handling per syscall: the string slots that the kernel copies, and the decoding of
 * raw arguments into named values. Constants come from the Linux UAPI headers named beside each table.
 * Syscalls without an entry here are reported with their raw arguments only.
 */
final class SyscallArguments {

    /** One string slot of a record: what to read and from which argument. */
    record Slot(byte kind, int argument) {
    }

    /** The raw and string arguments of one call. */
    record Call(List<Long> args, List<String> strings, long fdInode) {

        long arg(int index) {
            return args.get(index);
        }

        String string(int slot) {
            return strings.get(slot);
        }
    }

    /** linux/ptrace.h requests that every architecture has. */
    private static final Flags PTRACE_REQUESTS = Flags.of(
            0, "PTRACE_TRACEME", 1, "PTRACE_PEEKTEXT", 2, "PTRACE_PEEKDATA",
            3, "PTRACE_PEEKUSR", 4, "PTRACE_POKETEXT", 5, "PTRACE_POKEDATA",
            6, "PTRACE_POKEUSR", 7, "PTRACE_CONT", 8, "PTRACE_KILL", 9, "PTRACE_SINGLESTEP",
            16, "PTRACE_ATTACH", 17, "PTRACE_DETACH", 24, "PTRACE_SYSCALL",
            0x4200, "PTRACE_SETOPTIONS", 0x4201, "PTRACE_GETEVENTMSG",
            0x4202, "PTRACE_GETSIGINFO", 0x4203, "PTRACE_SETSIGINFO",
            0x4204, "PTRACE_GETREGSET", 0x4205, "PTRACE_SETREGSET", 0x4206, "PTRACE_SEIZE",
            0x4207, "PTRACE_INTERRUPT", 0x4208, "PTRACE_LISTEN", 0x4209, "PTRACE_PEEKSIGINFO",
            0x420a, "PTRACE_GETSIGMASK", 0x420b, "PTRACE_SETSIGMASK",
            0x420c, "PTRACE_SECCOMP_GET_FILTER", 0x420d, "PTRACE_SECCOMP_GET_METADATA",
            0x420e, "PTRACE_GET_SYSCALL_INFO", 0x420f, "PTRACE_GET_RSEQ_CONFIGURATION",
            0x4210, "PTRACE_SET_SYSCALL_USER_DISPATCH_CONFIG",
            0x4211, "PTRACE_GET_SYSCALL_USER_DISPATCH_CONFIG");

    /** The x86 additions of asm/ptrace-abi.h. */
    private static final Flags PTRACE_REQUESTS_X86 = Flags.of(
            12, "PTRACE_GETREGS", 13, "PTRACE_SETREGS", 14, "PTRACE_GETFPREGS",
            15, "PTRACE_SETFPREGS", 18, "PTRACE_GETFPXREGS", 19, "PTRACE_SETFPXREGS",
            25, "PTRACE_GET_THREAD_AREA", 26, "PTRACE_SET_THREAD_AREA", 30, "PTRACE_ARCH_PRCTL",
            31, "PTRACE_SYSEMU", 32, "PTRACE_SYSEMU_SINGLESTEP", 33, "PTRACE_SINGLEBLOCK");

    /** linux/mount.h MS_* flags; the top 16 bits may carry the old magic MS_MGC_VAL. */
    private static final Flags MOUNT_FLAGS = Flags.of(
            1, "MS_RDONLY", 2, "MS_NOSUID", 4, "MS_NODEV", 8, "MS_NOEXEC", 16, "MS_SYNCHRONOUS",
            32, "MS_REMOUNT", 64, "MS_MANDLOCK", 128, "MS_DIRSYNC", 256, "MS_NOSYMFOLLOW",
            1024, "MS_NOATIME", 2048, "MS_NODIRATIME", 4096, "MS_BIND", 8192, "MS_MOVE",
            16384, "MS_REC", 32768, "MS_SILENT", 1 << 16, "MS_POSIXACL", 1 << 17, "MS_UNBINDABLE",
            1 << 18, "MS_PRIVATE", 1 << 19, "MS_SLAVE", 1 << 20, "MS_SHARED",
            1 << 21, "MS_RELATIME", 1 << 22, "MS_KERNMOUNT", 1 << 23, "MS_I_VERSION",
            1 << 24, "MS_STRICTATIME", 1 << 25, "MS_LAZYTIME");
    private static final long MS_MGC_MASK = 0xffff0000L;
    private static final long MS_MGC_VAL = 0xc0ed0000L;

    /** linux/fs.h and sys/mount.h umount2 flags. */
    private static final Flags UMOUNT_FLAGS = Flags.of(
            1, "MNT_FORCE", 2, "MNT_DETACH", 4, "MNT_EXPIRE", 8, "UMOUNT_NOFOLLOW");

    /** linux/sched.h CLONE_* flags, of which unshare and setns take the CLONE_NEW* ones. */
    private static final Flags CLONE_FLAGS = Flags.of(
            0x80, "CLONE_NEWTIME", 0x100, "CLONE_VM", 0x200, "CLONE_FS", 0x400, "CLONE_FILES",
            0x800, "CLONE_SIGHAND", 0x1000, "CLONE_PIDFD", 0x2000, "CLONE_PTRACE",
            0x4000, "CLONE_VFORK", 0x8000, "CLONE_PARENT", 0x10000, "CLONE_THREAD",
            0x20000, "CLONE_NEWNS", 0x40000, "CLONE_SYSVSEM", 0x80000, "CLONE_SETTLS",
            0x100000, "CLONE_PARENT_SETTID", 0x200000, "CLONE_CHILD_CLEARTID",
            0x400000, "CLONE_DETACHED", 0x800000, "CLONE_UNTRACED",
            0x1000000, "CLONE_CHILD_SETTID", 0x2000000, "CLONE_NEWCGROUP",
            0x4000000, "CLONE_NEWUTS", 0x8000000, "CLONE_NEWIPC", 0x10000000, "CLONE_NEWUSER",
            0x20000000, "CLONE_NEWPID", 0x40000000, "CLONE_NEWNET", 0x80000000L, "CLONE_IO");

    /** linux/bpf.h enum bpf_cmd; BPF_TOKEN_CREATE came with Linux 6.9. */
    private static final Flags BPF_COMMANDS = Flags.of(
            0, "BPF_MAP_CREATE", 1, "BPF_MAP_LOOKUP_ELEM", 2, "BPF_MAP_UPDATE_ELEM",
            3, "BPF_MAP_DELETE_ELEM", 4, "BPF_MAP_GET_NEXT_KEY", 5, "BPF_PROG_LOAD",
            6, "BPF_OBJ_PIN", 7, "BPF_OBJ_GET", 8, "BPF_PROG_ATTACH", 9, "BPF_PROG_DETACH",
            10, "BPF_PROG_TEST_RUN", 11, "BPF_PROG_GET_NEXT_ID", 12, "BPF_MAP_GET_NEXT_ID",
            13, "BPF_PROG_GET_FD_BY_ID", 14, "BPF_MAP_GET_FD_BY_ID", 15, "BPF_OBJ_GET_INFO_BY_FD",
            16, "BPF_PROG_QUERY", 17, "BPF_RAW_TRACEPOINT_OPEN", 18, "BPF_BTF_LOAD",
            19, "BPF_BTF_GET_FD_BY_ID", 20, "BPF_TASK_FD_QUERY",
            21, "BPF_MAP_LOOKUP_AND_DELETE_ELEM", 22, "BPF_MAP_FREEZE", 23, "BPF_BTF_GET_NEXT_ID",
            24, "BPF_MAP_LOOKUP_BATCH", 25, "BPF_MAP_LOOKUP_AND_DELETE_BATCH",
            26, "BPF_MAP_UPDATE_BATCH", 27, "BPF_MAP_DELETE_BATCH", 28, "BPF_LINK_CREATE",
            29, "BPF_LINK_UPDATE", 30, "BPF_LINK_GET_FD_BY_ID", 31, "BPF_LINK_GET_NEXT_ID",
            32, "BPF_ENABLE_STATS", 33, "BPF_ITER_CREATE", 34, "BPF_LINK_DETACH",
            35, "BPF_PROG_BIND_MAP", 36, "BPF_TOKEN_CREATE");

    /** linux/memfd.h flags. */
    private static final Flags MEMFD_FLAGS = Flags.of(
            1, "MFD_CLOEXEC", 2, "MFD_ALLOW_SEALING", 4, "MFD_HUGETLB", 8, "MFD_NOEXEC_SEAL",
            0x10, "MFD_EXEC");

    /** linux/module.h finit_module flags. */
    private static final Flags MODULE_INIT_FLAGS = Flags.of(
            1, "MODULE_INIT_IGNORE_MODVERSIONS", 2, "MODULE_INIT_IGNORE_VERMAGIC",
            4, "MODULE_INIT_COMPRESSED_FILE");

    /** delete_module flags: O_TRUNC and O_NONBLOCK of asm-generic/fcntl.h. */
    private static final Flags DELETE_MODULE_FLAGS =
            Flags.of(01000, "O_TRUNC", 04000, "O_NONBLOCK");

    /** linux/kexec.h flags in the low 16 bits; the high 16 bits name the image's architecture. */
    private static final Flags KEXEC_FLAGS = Flags.of(
            1, "KEXEC_ON_CRASH", 2, "KEXEC_PRESERVE_CONTEXT", 4, "KEXEC_UPDATE_ELFCOREHDR",
            8, "KEXEC_CRASH_HOTPLUG_SUPPORT");
    private static final Flags KEXEC_ARCHITECTURES = Flags.of(
            0, "KEXEC_ARCH_DEFAULT", 3, "KEXEC_ARCH_386", 62, "KEXEC_ARCH_X86_64",
            183, "KEXEC_ARCH_AARCH64", 40, "KEXEC_ARCH_ARM");

    /** Default value of the syscalls setting. */
    static final List<String> DEFAULT_SELECTION = List.of("ptrace", "mount", "umount2", "setns",
            "unshare", "init_module", "finit_module", "delete_module", "bpf", "memfd_create",
            "kexec_load", "chroot", "pivot_root");

    private static final Map<String, List<Slot>> SLOTS = Map.ofEntries(
            Map.entry("mount", List.of(string(0), string(1), string(2))),
            Map.entry("umount2", List.of(string(0))),
            Map.entry("setns", List.of(new Slot(SLOT_FD_NAME, 0))),
            Map.entry("init_module", List.of(new Slot(SLOT_MODULE_IMAGE, 0), string(2))),
            Map.entry("finit_module", List.of(new Slot(SLOT_FD_NAME, 0), string(1))),
            Map.entry("delete_module", List.of(string(0))),
            Map.entry("memfd_create", List.of(string(0))),
            Map.entry("chroot", List.of(string(0))),
            Map.entry("pivot_root", List.of(string(0), string(1))));

    private final boolean x86;

    SyscallArguments(String architecture) {
        this.x86 = architecture.equals("x86_64");
    }

    /** Returns the string slots of a syscall, at most three; none for unknown syscalls. */
    static List<Slot> slots(String name) {
        return SLOTS.getOrDefault(name, List.of());
    }

    /** Returns the decoded arguments of one call of {@code name}, in argument order. */
    Map<String, String> decode(String name, Call call) {
        Map<String, String> decoded = new LinkedHashMap<>();
        switch (name) {
            case "ptrace" -> {
                decoded.put("request", ptraceRequest(call.arg(0)));
                decoded.put("pid", Integer.toString((int) call.arg(1)));
                decoded.put("addr", hex(call.arg(2)));
                decoded.put("data", hex(call.arg(3)));
            }
            case "mount" -> {
                decoded.put("source", call.string(0));
                decoded.put("target", call.string(1));
                decoded.put("fstype", call.string(2));
                decoded.put("flags", mountFlags(call.arg(3)));
            }
            case "umount2" -> {
                decoded.put("target", call.string(0));
                decoded.put("flags", UMOUNT_FLAGS.bits(call.arg(1) & 0xffffffffL));
            }
            case "setns" -> {
                putFile(decoded, call, (int) call.arg(0));
                long nstype = call.arg(1) & 0xffffffffL;
                decoded.put("nstype", nstype == 0 ? "0" : CLONE_FLAGS.bits(nstype));
            }
            case "unshare" -> decoded.put("flags", CLONE_FLAGS.bits(call.arg(0) & 0xffffffffL));
            case "init_module" -> {
                decoded.put("module", call.string(0));
                decoded.put("size", Long.toUnsignedString(call.arg(1)));
                decoded.put("params", call.string(1));
            }
            case "finit_module" -> {
                putFile(decoded, call, (int) call.arg(0));
                decoded.put("module", moduleOfFile(call.string(0)));
                decoded.put("params", call.string(1));
                decoded.put("flags", MODULE_INIT_FLAGS.bits(call.arg(2) & 0xffffffffL));
            }
            case "delete_module" -> {
                decoded.put("module", call.string(0));
                decoded.put("flags", DELETE_MODULE_FLAGS.bits(call.arg(1) & 0xffffffffL));
            }
            case "bpf" -> {
                decoded.put("cmd", BPF_COMMANDS.value((int) call.arg(0)));
                decoded.put("size", Long.toString(call.arg(2) & 0xffffffffL));
            }
            case "memfd_create" -> {
                decoded.put("name", call.string(0));
                decoded.put("flags", MEMFD_FLAGS.bits(call.arg(1) & 0xffffffffL));
            }
            case "kexec_load" -> {
                decoded.put("entry", hex(call.arg(0)));
                decoded.put("segments", Long.toUnsignedString(call.arg(1)));
                decoded.put("flags", KEXEC_FLAGS.bits(call.arg(3) & 0xffffL));
                decoded.put("arch", KEXEC_ARCHITECTURES.value((call.arg(3) >>> 16) & 0xffffL));
            }
            case "chroot" -> decoded.put("path", call.string(0));
            case "pivot_root" -> {
                decoded.put("new_root", call.string(0));
                decoded.put("put_old", call.string(1));
            }
            default -> {
                // Raw arguments only: SyscallEvent.args carries them.
            }
        }
        return decoded;
    }

    /** Returns a module name from a module file name, e.g. {@code xfs} for xfs.ko.xz. */
    static String moduleOfFile(String fileName) {
        int suffix = fileName.indexOf(".ko");
        return suffix > 0 ? fileName.substring(0, suffix) : fileName;
    }

    private String ptraceRequest(long request) {
        String name = PTRACE_REQUESTS.value(request);
        if (x86 && name.equals(Long.toString(request))) {
            return PTRACE_REQUESTS_X86.value(request);
        }
        return name;
    }

    private static String mountFlags(long flags) {
        long bits = flags & 0xffffffffL;
        if ((bits & MS_MGC_MASK) == MS_MGC_VAL) {
            bits &= ~MS_MGC_MASK;
        }
        return MOUNT_FLAGS.bits(bits);
    }

    private static void putFile(Map<String, String> decoded, Call call, int fd) {
        decoded.put("fd", Integer.toString(fd));
        // nsfs files, which setns takes, have the anonymous dentry name "/".
        if (!call.string(0).isEmpty() && !call.string(0).equals("/")) {
            decoded.put("file", call.string(0));
        }
        if (call.fdInode() != 0) {
            decoded.put("inode", Long.toUnsignedString(call.fdInode()));
        }
    }

    private static Slot string(int argument) {
        return new Slot(SLOT_USER_STRING, argument);
    }

    private static String hex(long value) {
        return "0x" + Long.toHexString(value);
    }
}
