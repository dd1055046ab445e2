package org.tarsier.libbpf.internal;

import java.util.Map;

/**
 * Symbolic names of Linux errno values, as the generic kernel headers number them (x86 and arm64).
 *
 * <p>Includes the kernel-internal values from 512 up, such as {@code ENOTSUPP} (524), which BPF
 * system calls can return to user space, and libbpf's own codes from 4000 up
 * ({@code enum libbpf_errno} in libbpf.h).
 */
public final class Errno {

    public static final int ENOENT = 2;
    public static final int EINTR = 4;
    public static final int EAGAIN = 11;
    public static final int EINVAL = 22;

    private static final Map<Integer, String> NAMES = Map.ofEntries(
            Map.entry(1, "EPERM"),
            Map.entry(2, "ENOENT"),
            Map.entry(3, "ESRCH"),
            Map.entry(4, "EINTR"),
            Map.entry(5, "EIO"),
            Map.entry(6, "ENXIO"),
            Map.entry(7, "E2BIG"),
            Map.entry(8, "ENOEXEC"),
            Map.entry(9, "EBADF"),
            Map.entry(10, "ECHILD"),
            Map.entry(11, "EAGAIN"),
            Map.entry(12, "ENOMEM"),
            Map.entry(13, "EACCES"),
            Map.entry(14, "EFAULT"),
            Map.entry(15, "ENOTBLK"),
            Map.entry(16, "EBUSY"),
            Map.entry(17, "EEXIST"),
            Map.entry(18, "EXDEV"),
            Map.entry(19, "ENODEV"),
            Map.entry(20, "ENOTDIR"),
            Map.entry(21, "EISDIR"),
            Map.entry(22, "EINVAL"),
            Map.entry(23, "ENFILE"),
            Map.entry(24, "EMFILE"),
            Map.entry(25, "ENOTTY"),
            Map.entry(26, "ETXTBSY"),
            Map.entry(27, "EFBIG"),
            Map.entry(28, "ENOSPC"),
            Map.entry(29, "ESPIPE"),
            Map.entry(30, "EROFS"),
            Map.entry(31, "EMLINK"),
            Map.entry(32, "EPIPE"),
            Map.entry(33, "EDOM"),
            Map.entry(34, "ERANGE"),
            Map.entry(35, "EDEADLK"),
            Map.entry(36, "ENAMETOOLONG"),
            Map.entry(37, "ENOLCK"),
            Map.entry(38, "ENOSYS"),
            Map.entry(39, "ENOTEMPTY"),
            Map.entry(40, "ELOOP"),
            Map.entry(42, "ENOMSG"),
            Map.entry(43, "EIDRM"),
            Map.entry(61, "ENODATA"),
            Map.entry(62, "ETIME"),
            Map.entry(71, "EPROTO"),
            Map.entry(74, "EBADMSG"),
            Map.entry(75, "EOVERFLOW"),
            Map.entry(84, "EILSEQ"),
            Map.entry(88, "ENOTSOCK"),
            Map.entry(90, "EMSGSIZE"),
            Map.entry(92, "ENOPROTOOPT"),
            Map.entry(93, "EPROTONOSUPPORT"),
            Map.entry(95, "EOPNOTSUPP"),
            Map.entry(97, "EAFNOSUPPORT"),
            Map.entry(98, "EADDRINUSE"),
            Map.entry(99, "EADDRNOTAVAIL"),
            Map.entry(100, "ENETDOWN"),
            Map.entry(101, "ENETUNREACH"),
            Map.entry(104, "ECONNRESET"),
            Map.entry(105, "ENOBUFS"),
            Map.entry(106, "EISCONN"),
            Map.entry(107, "ENOTCONN"),
            Map.entry(110, "ETIMEDOUT"),
            Map.entry(111, "ECONNREFUSED"),
            Map.entry(113, "EHOSTUNREACH"),
            Map.entry(114, "EALREADY"),
            Map.entry(115, "EINPROGRESS"),
            Map.entry(116, "ESTALE"),
            Map.entry(122, "EDQUOT"),
            Map.entry(125, "ECANCELED"),
            Map.entry(512, "ERESTARTSYS"),
            Map.entry(513, "ERESTARTNOINTR"),
            Map.entry(514, "ERESTARTNOHAND"),
            Map.entry(515, "ENOIOCTLCMD"),
            Map.entry(516, "ERESTART_RESTARTBLOCK"),
            Map.entry(517, "EPROBE_DEFER"),
            Map.entry(518, "EOPENSTALE"),
            Map.entry(519, "ENOPARAM"),
            Map.entry(521, "EBADHANDLE"),
            Map.entry(522, "ENOTSYNC"),
            Map.entry(523, "EBADCOOKIE"),
            Map.entry(524, "ENOTSUPP"),
            Map.entry(525, "ETOOSMALL"),
            Map.entry(526, "ESERVERFAULT"),
            Map.entry(527, "EBADTYPE"),
            Map.entry(528, "EJUKEBOX"),
            Map.entry(529, "EIOCBQUEUED"),
            Map.entry(530, "ERECALLCONFLICT"),
            Map.entry(4000, "LIBBPF_ERRNO__LIBELF"),
            Map.entry(4001, "LIBBPF_ERRNO__FORMAT"),
            Map.entry(4002, "LIBBPF_ERRNO__KVERSION"),
            Map.entry(4003, "LIBBPF_ERRNO__ENDIAN"),
            Map.entry(4004, "LIBBPF_ERRNO__INTERNAL"),
            Map.entry(4005, "LIBBPF_ERRNO__RELOC"),
            Map.entry(4006, "LIBBPF_ERRNO__LOAD"),
            Map.entry(4007, "LIBBPF_ERRNO__VERIFY"),
            Map.entry(4008, "LIBBPF_ERRNO__PROG2BIG"),
            Map.entry(4009, "LIBBPF_ERRNO__KVER"),
            Map.entry(4010, "LIBBPF_ERRNO__PROGTYPE"));

    private Errno() {
    }

    /** Returns the name of a positive or negated errno value, e.g. ENOENT, or "errno N". */
    public static String name(int errno) {
        int value = Math.abs(errno);
        return NAMES.getOrDefault(value, "errno " + value);
    }
}
