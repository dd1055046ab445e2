// SPDX-License-Identifier: Apache-2.0
/*
 * Issues file syscalls directly, so that a test knows which syscall ran: busybox and libc pick
 * their own (open() becomes openat, for example). The kernel tests build it with gcc -static
 * and bind-mount it into a busybox container.
 *
 * Usage: fileops COMMAND ARGS... [+ COMMAND ARGS...]...
 * Numbers are read with strtol base 0 (0644 is octal, 0x200 hex). A DIR argument of "-" means
 * AT_FDCWD; any other DIR is opened with O_RDONLY | O_DIRECTORY and passed as a dirfd. Prints
 * "COMMAND RESULT" per command, RESULT being the return value or -errno.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static long number(const char *text)
{
	return strtol(text, NULL, 0);
}

static long dir_fd(const char *dir)
{
	if (strcmp(dir, "-") == 0)
		return AT_FDCWD;
	return syscall(SYS_openat, AT_FDCWD, dir, O_RDONLY | O_DIRECTORY, 0);
}

static long file_fd(const char *path)
{
	return syscall(SYS_openat, AT_FDCWD, path, O_RDONLY, 0);
}

static long openat2_call(const char *dir, const char *name, long flags, long mode)
{
	struct open_how how = { .flags = flags, .mode = mode };

	return syscall(SYS_openat2, dir_fd(dir), name, &how, sizeof(how));
}

/* Runs one command with its n arguments; returns the syscall's result. */
static long run(const char *command, char **a, int n)
{
#define NEED(count) do { if (n != (count)) return -EINVAL; } while (0)
	if (strcmp(command, "open") == 0) { NEED(3); return syscall(SYS_open, a[0], number(a[1]), number(a[2])); }
	if (strcmp(command, "openat") == 0) { NEED(4); return syscall(SYS_openat, dir_fd(a[0]), a[1], number(a[2]), number(a[3])); }
	if (strcmp(command, "openat2") == 0) { NEED(4); return openat2_call(a[0], a[1], number(a[2]), number(a[3])); }
	if (strcmp(command, "creat") == 0) { NEED(2); return syscall(SYS_creat, a[0], number(a[1])); }
	if (strcmp(command, "unlink") == 0) { NEED(1); return syscall(SYS_unlink, a[0]); }
	if (strcmp(command, "unlinkat") == 0) { NEED(3); return syscall(SYS_unlinkat, dir_fd(a[0]), a[1], number(a[2])); }
	if (strcmp(command, "rename") == 0) { NEED(2); return syscall(SYS_rename, a[0], a[1]); }
	if (strcmp(command, "renameat") == 0) { NEED(4); return syscall(SYS_renameat, dir_fd(a[0]), a[1], dir_fd(a[2]), a[3]); }
	if (strcmp(command, "renameat2") == 0) { NEED(5); return syscall(SYS_renameat2, dir_fd(a[0]), a[1], dir_fd(a[2]), a[3], number(a[4])); }
	if (strcmp(command, "chmod") == 0) { NEED(2); return syscall(SYS_chmod, a[0], number(a[1])); }
	if (strcmp(command, "fchmod") == 0) { NEED(2); return syscall(SYS_fchmod, file_fd(a[0]), number(a[1])); }
	if (strcmp(command, "fchmodat") == 0) { NEED(3); return syscall(SYS_fchmodat, dir_fd(a[0]), a[1], number(a[2])); }
	if (strcmp(command, "chown") == 0) { NEED(3); return syscall(SYS_chown, a[0], number(a[1]), number(a[2])); }
	if (strcmp(command, "fchown") == 0) { NEED(3); return syscall(SYS_fchown, file_fd(a[0]), number(a[1]), number(a[2])); }
	if (strcmp(command, "lchown") == 0) { NEED(3); return syscall(SYS_lchown, a[0], number(a[1]), number(a[2])); }
	if (strcmp(command, "fchownat") == 0) { NEED(5); return syscall(SYS_fchownat, dir_fd(a[0]), a[1], number(a[2]), number(a[3]), number(a[4])); }
	if (strcmp(command, "link") == 0) { NEED(2); return syscall(SYS_link, a[0], a[1]); }
	if (strcmp(command, "linkat") == 0) { NEED(5); return syscall(SYS_linkat, dir_fd(a[0]), a[1], dir_fd(a[2]), a[3], number(a[4])); }
	if (strcmp(command, "symlink") == 0) { NEED(2); return syscall(SYS_symlink, a[0], a[1]); }
	if (strcmp(command, "symlinkat") == 0) { NEED(3); return syscall(SYS_symlinkat, a[0], dir_fd(a[1]), a[2]); }
	if (strcmp(command, "mkdir") == 0) { NEED(2); return syscall(SYS_mkdir, a[0], number(a[1])); }
	if (strcmp(command, "mkdirat") == 0) { NEED(3); return syscall(SYS_mkdirat, dir_fd(a[0]), a[1], number(a[2])); }
	if (strcmp(command, "rmdir") == 0) { NEED(1); return syscall(SYS_rmdir, a[0]); }
	if (strcmp(command, "truncate") == 0) { NEED(2); return syscall(SYS_truncate, a[0], number(a[1])); }
	if (strcmp(command, "ftruncate") == 0) { NEED(2); return syscall(SYS_ftruncate, syscall(SYS_openat, AT_FDCWD, a[0], O_WRONLY, 0), number(a[1])); }
	if (strcmp(command, "mknod") == 0) { NEED(3); return syscall(SYS_mknod, a[0], number(a[1]), number(a[2])); }
	if (strcmp(command, "mknodat") == 0) { NEED(4); return syscall(SYS_mknodat, dir_fd(a[0]), a[1], number(a[2]), number(a[3])); }
	if (strcmp(command, "setuid") == 0) { NEED(1); return syscall(SYS_setresgid, number(a[0]), number(a[0]), number(a[0])) ?: syscall(SYS_setresuid, number(a[0]), number(a[0]), number(a[0])); }
	if (strcmp(command, "chdir") == 0) { NEED(1); return syscall(SYS_chdir, a[0]); }
	return -ENOSYS;
#undef NEED
}

int main(int argc, char **argv)
{
	int start = 1;

	while (start < argc) {
		int end = start;
		long result;

		while (end < argc && strcmp(argv[end], "+") != 0)
			end++;
		result = run(argv[start], argv + start + 1, end - start - 1);
		if (result < 0 && result != -EINVAL && result != -ENOSYS)
			result = -errno;
		printf("%s %ld\n", argv[start], result);
		start = end + 1;
	}
	return 0;
}
