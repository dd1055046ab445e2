// SPDX-License-Identifier: Apache-2.0
/*
 * Test helper that the syscall probe's kernel tests run inside a container, built with
 * gcc -static at test time.
 *
 *   sc-helper getppid N   calls getppid(2) N times through syscall(2)
 *   sc-helper selected    calls each syscall of the probe's default selection once with
 *                         harmless arguments and prints "name result" per call, result being
 *                         the return value or -errno
 *   sc-helper compat      calls mount through int 0x80 (the i386 ABI) and prints its result
 *   sc-helper untouched   calls chroot("/bin") with the path on a page that the process has
 *                         not touched yet, and prints "chroot result"
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <unistd.h>

#define MODULE_NAME "tarsier_probe_test"
/* Offset of the name member of the kernel's struct module on 64-bit kernels. */
#define MODULE_NAME_OFFSET 24

static void report(const char *name, long result)
{
	printf("%s %ld\n", name, result < 0 ? -(long)errno : result);
	fflush(stdout);
}

/*
 * Builds an ELF64 image with three sections: the null section, .shstrtab and
 * .gnu.linkonce.this_module, whose contents hold MODULE_NAME at the name offset.
 */
static size_t module_image(unsigned char *image, size_t size)
{
	static const char names[] = "\0.shstrtab\0.gnu.linkonce.this_module";
	size_t names_at = 64, module_at = 128, headers_at = 256;
	unsigned char *header;

	memset(image, 0, size);
	memcpy(image, "\177ELF", 4);
	image[4] = 2;	/* ELFCLASS64 */
	image[5] = 1;	/* little endian */
	image[6] = 1;	/* EV_CURRENT */
	*(unsigned long *)(image + 0x28) = headers_at;	/* e_shoff */
	*(unsigned short *)(image + 0x34) = 64;		/* e_ehsize */
	*(unsigned short *)(image + 0x3a) = 64;		/* e_shentsize */
	*(unsigned short *)(image + 0x3c) = 3;		/* e_shnum */
	*(unsigned short *)(image + 0x3e) = 1;		/* e_shstrndx */
	memcpy(image + names_at, names, sizeof(names));
	strcpy((char *)image + module_at + MODULE_NAME_OFFSET, MODULE_NAME);

	header = image + headers_at + 64;		/* .shstrtab */
	*(unsigned int *)header = 1;
	*(unsigned int *)(header + 4) = 3;		/* SHT_STRTAB */
	*(unsigned long *)(header + 24) = names_at;
	*(unsigned long *)(header + 32) = sizeof(names);
	header = image + headers_at + 128;		/* .gnu.linkonce.this_module */
	*(unsigned int *)header = 11;
	*(unsigned int *)(header + 4) = 1;		/* SHT_PROGBITS */
	*(unsigned long *)(header + 24) = module_at;
	*(unsigned long *)(header + 32) = 128;
	return headers_at + 3 * 64;
}

static int selected(void)
{
	static unsigned char image[1024];
	unsigned char attr[128] = { 0 };
	size_t image_size = module_image(image, sizeof(image));
	int fd;

	report("ptrace", syscall(SYS_ptrace, 16 /* PTRACE_ATTACH */, 999999, 0, 0));
	report("mount", syscall(SYS_mount, "tarsier-src", "/mnt", "tmpfs",
				MS_NOSUID | MS_NODEV, NULL));
	report("umount2", syscall(SYS_umount2, "/mnt", MNT_DETACH));
	fd = open("/proc/self/ns/uts", O_RDONLY);
	report("setns", syscall(SYS_setns, fd, CLONE_NEWUTS));
	report("unshare", syscall(SYS_unshare, CLONE_NEWNS | CLONE_NEWUTS));
	report("init_module", syscall(SYS_init_module, image, image_size, "debug=1"));
	fd = open("/tarsier_fake.ko", O_RDWR | O_CREAT | O_TRUNC, 0600);
	report("finit_module", syscall(SYS_finit_module, fd, "", 0));
	report("delete_module", syscall(SYS_delete_module, "tarsier_fake", O_NONBLOCK));
	report("bpf", syscall(SYS_bpf, 5 /* BPF_PROG_LOAD */, attr, sizeof(attr)));
	report("memfd_create", syscall(SYS_memfd_create, "tarsier-memfd", 1 /* MFD_CLOEXEC */));
	report("kexec_load", syscall(SYS_kexec_load, 0, 0, NULL, 0));
	report("pivot_root", syscall(SYS_pivot_root, "/tmp", "/tmp/old"));
	report("chroot", syscall(SYS_chroot, "/"));
	return 0;
}

static int compat(void)
{
#if defined(__x86_64__)
	static char source[] = "compat-src", target[] = "/mnt", type[] = "tmpfs";
	long result;

	/* i386 mount is number 21; int 0x80 takes 32-bit pointers, so the strings are static */
	__asm__ volatile("int $0x80"
			 : "=a"(result)
			 : "a"(21), "b"(source), "c"(target), "d"(type), "S"(0), "D"(0)
			 : "memory");
	printf("mount %ld\n", result);
	return 0;
#else
	return 2;
#endif
}

/*
 * A private mapping of a file is not in the process's page tables until the first access, here
 * the kernel's copy of the path during chroot.
 */
static int untouched(void)
{
	static const char path[] = "/bin";
	int fd = open("/tarsier-untouched", O_RDWR | O_CREAT | O_TRUNC, 0600);
	char *page;

	if (fd < 0 || write(fd, path, sizeof(path)) != (ssize_t)sizeof(path))
		return 1;
	page = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 0);
	if (page == MAP_FAILED)
		return 1;
	report("chroot", syscall(SYS_chroot, page));
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "getppid") == 0) {
		long count = atol(argv[2]);

		for (long i = 0; i < count; i++)
			syscall(SYS_getppid);
		return 0;
	}
	if (argc == 2 && strcmp(argv[1], "selected") == 0)
		return selected();
	if (argc == 2 && strcmp(argv[1], "compat") == 0)
		return compat();
	if (argc == 2 && strcmp(argv[1], "untouched") == 0)
		return untouched();
	fprintf(stderr, "usage: sc-helper getppid N | selected | compat | untouched\n");
	return 2;
}
