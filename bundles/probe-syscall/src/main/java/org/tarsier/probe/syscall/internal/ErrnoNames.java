package org.tarsier.probe.syscall.internal;

import java.util.Map;

/**
 * errno names of Linux's generic numbering, which x86 and arm64 use, from a resource generated
 * from the UAPI headers asm-generic/errno-base.h and errno.h.
 */
final class ErrnoNames {

    private static final Map<Integer, String> NAMES = SyscallTable.load("errno.txt");

    private ErrnoNames() {
    }

    /**
     * Returns the errno name of a syscall result: {@code EPERM} for -1, empty for results that
     * are not negative, and {@code errno_<n>} for unknown numbers. Results below -4095 are not
     * errors but, for example, addresses, so they are empty too.
     */
    static String ofResult(long result) {
        if (result >= 0 || result < -4095) {
            return "";
        }
        int errno = (int) -result;
        return NAMES.getOrDefault(errno, "errno_" + errno);
    }
}
