// SPDX-License-Identifier: Apache-2.0
/*
 * Performs behaviours of the default rules that busybox has no applet for, each with one direct
 * syscall, so that the rules tests know which syscall ran. The tests build it with cc -static and
 * bind-mount it into a busybox container.
 *
 * Usage: rulesops COMMAND [ARGS...]
 *   memfd                      memfd_create("payload", MFD_CLOEXEC)
 *   ptrace-attach              fork a child, PTRACE_ATTACH to it, detach and reap it
 *   ptrace-traceme             fork a child that calls PTRACE_TRACEME, and reap it
 *   bpf-prog-load              bpf(BPF_PROG_LOAD) of a socket filter that returns 0
 *   bpf-map-create             bpf(BPF_MAP_CREATE) of a one-entry array
 *   openat DIR NAME FLAGS      openat on DIR opened as a directory fd ("-" is AT_FDCWD)
 * Prints "COMMAND RESULT", RESULT being the syscall's return value or -errno.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static long result(long value)
{
	return value < 0 ? -errno : value;
}

static long memfd(void)
{
	return result(syscall(SYS_memfd_create, "payload", 1 /* MFD_CLOEXEC */));
}

static long ptrace_attach(void)
{
	pid_t child = fork();
	long attached;

	if (child == 0) {
		pause();
		_exit(0);
	}
	attached = result(ptrace(PTRACE_ATTACH, child, NULL, NULL));
	if (attached == 0) {
		waitpid(child, NULL, 0);
		ptrace(PTRACE_DETACH, child, NULL, NULL);
	}
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	return attached;
}

static long ptrace_traceme(void)
{
	pid_t child = fork();
	int status = 0;

	if (child == 0)
		_exit(ptrace(PTRACE_TRACEME, 0, NULL, NULL) == 0 ? 0 : 1);
	waitpid(child, &status, 0);
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

static long bpf_call(int cmd, union bpf_attr *attr)
{
	return result(syscall(SYS_bpf, cmd, attr, sizeof(*attr)));
}

static long bpf_prog_load(void)
{
	/* r0 = 0; exit */
	struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.prog_type = BPF_PROG_TYPE_SOCKET_FILTER;
	attr.insns = (unsigned long)insns;
	attr.insn_cnt = 2;
	attr.license = (unsigned long)"GPL";
	return bpf_call(BPF_PROG_LOAD, &attr);
}

static long bpf_map_create(void)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.map_type = BPF_MAP_TYPE_ARRAY;
	attr.key_size = 4;
	attr.value_size = 4;
	attr.max_entries = 1;
	return bpf_call(BPF_MAP_CREATE, &attr);
}

static long open_at(const char *dir, const char *name, long flags)
{
	long dirfd = AT_FDCWD;

	if (strcmp(dir, "-") != 0) {
		dirfd = syscall(SYS_openat, AT_FDCWD, dir, O_RDONLY | O_DIRECTORY, 0);
		if (dirfd < 0)
			return -errno;
	}
	return result(syscall(SYS_openat, dirfd, name, flags, 0644));
}

static long run(int argc, char **argv)
{
	const char *command = argv[1];

	if (strcmp(command, "memfd") == 0)
		return memfd();
	if (strcmp(command, "ptrace-attach") == 0)
		return ptrace_attach();
	if (strcmp(command, "ptrace-traceme") == 0)
		return ptrace_traceme();
	if (strcmp(command, "bpf-prog-load") == 0)
		return bpf_prog_load();
	if (strcmp(command, "bpf-map-create") == 0)
		return bpf_map_create();
	if (strcmp(command, "openat") == 0 && argc == 5)
		return open_at(argv[2], argv[3], strtol(argv[4], NULL, 0));
	return -EINVAL;
}

int main(int argc, char **argv)
{
	long value;

	if (argc < 2) {
		fprintf(stderr, "usage: rulesops COMMAND [ARGS...]\n");
		return 2;
	}
	value = run(argc, argv);
	printf("%s %ld\n", argv[1], value);
	return value == -EINVAL ? 2 : 0;
}
