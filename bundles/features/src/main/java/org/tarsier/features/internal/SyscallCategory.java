package org.tarsier.features.internal;

import java.util.HashMap;
import java.util.Map;

/**
 * Coarse groups of syscalls by what they act on. The kernel counts syscall numbers, not file
 * descriptor types, so a read or write on a socket counts as {@link #FILE}.
 */
enum SyscallCategory {
    FILE(Feature.SYSCALLS_FILE, "read write open openat openat2 creat close close_range lseek"
            + " pread64 pwrite64 readv writev preadv pwritev preadv2 pwritev2 stat fstat lstat"
            + " newfstatat statx statfs fstatfs access faccessat faccessat2 getdents getdents64"
            + " fcntl ioctl dup dup2 dup3 fsync fdatasync sync syncfs truncate ftruncate rename"
            + " renameat renameat2 unlink unlinkat mkdir mkdirat rmdir link linkat symlink"
            + " symlinkat readlink readlinkat chmod fchmod fchmodat chown fchown lchown fchownat"
            + " utime utimes utimensat futimesat chdir fchdir getcwd sendfile splice tee"
            + " copy_file_range fallocate flock mknod mknodat umask getxattr setxattr lgetxattr"
            + " fgetxattr listxattr removexattr inotify_init1 inotify_add_watch fanotify_init"
            + " select pselect6 poll ppoll epoll_create1 epoll_ctl epoll_wait epoll_pwait"
            + " epoll_pwait2 io_uring_setup io_uring_enter"),
    NETWORK(Feature.SYSCALLS_NETWORK, "socket socketpair connect accept accept4 bind listen"
            + " sendto recvfrom sendmsg recvmsg sendmmsg recvmmsg shutdown getsockname"
            + " getpeername setsockopt getsockopt"),
    PROCESS(Feature.SYSCALLS_PROCESS, "clone clone3 fork vfork execve execveat exit exit_group"
            + " wait4 waitid getpid getppid gettid getuid geteuid getgid getegid setuid setgid"
            + " setreuid setregid setresuid setresgid getresuid getresgid setpgid getpgid"
            + " getpgrp setsid getsid prctl arch_prctl set_tid_address capget capset"
            + " sched_yield sched_getaffinity sched_setaffinity setpriority getpriority"
            + " getrlimit setrlimit prlimit64 getrusage uname pidfd_open ptrace unshare setns"
            + " chroot pivot_root mount umount2 seccomp"),
    MEMORY(Feature.SYSCALLS_MEMORY, "mmap munmap mremap mprotect brk madvise mlock munlock"
            + " mlockall munlockall mincore msync membarrier memfd_create process_vm_readv"
            + " process_vm_writev"),
    IPC(Feature.SYSCALLS_IPC, "pipe pipe2 futex eventfd eventfd2 shmget shmat shmdt shmctl"
            + " msgget msgsnd msgrcv msgctl semget semop semtimedop semctl mq_open mq_timedsend"
            + " mq_timedreceive set_robust_list get_robust_list rseq"),
    TIME(Feature.SYSCALLS_TIME, "nanosleep clock_nanosleep clock_gettime clock_getres"
            + " gettimeofday time times alarm getitimer setitimer timer_create timer_settime"
            + " timer_gettime timer_delete timerfd_create timerfd_settime timerfd_gettime"),
    SIGNAL(Feature.SYSCALLS_SIGNAL, "rt_sigaction rt_sigprocmask rt_sigreturn rt_sigpending"
            + " rt_sigtimedwait rt_sigqueueinfo rt_sigsuspend sigaltstack kill tkill tgkill"
            + " pause signalfd signalfd4 pidfd_send_signal"),
    OTHER(Feature.SYSCALLS_OTHER, "");

    private static final Map<String, SyscallCategory> BY_NAME = index();

    private final Feature feature;
    private final String names;

    SyscallCategory(Feature feature, String names) {
        this.feature = feature;
        this.names = names;
    }

    /** Returns the feature that counts this category. */
    Feature feature() {
        return feature;
    }

    /** Returns the category of a syscall name, {@link #OTHER} for names not listed. */
    static SyscallCategory of(String syscall) {
        return BY_NAME.getOrDefault(syscall, OTHER);
    }

    private static Map<String, SyscallCategory> index() {
        Map<String, SyscallCategory> index = new HashMap<>();
        for (SyscallCategory category : values()) {
            for (String name : category.names.split(" ")) {
                if (!name.isEmpty()) {
                    index.put(name, category);
                }
            }
        }
        return Map.copyOf(index);
    }
}
