/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Maps and records that syscall.bpf.c shares with user space. Java reads them with
 * MemoryLayouts that a unit test compares with this object's BTF, so every field has a fixed
 * width and every struct spells out its padding.
 */
#ifndef TARSIER_SYSCALL_H
#define TARSIER_SYSCALL_H

#define TASK_COMM_SIZE 16
#define CGROUP_NAME_SIZE 128

/* Bytes read for one string argument, including the terminating NUL. */
#define ARG_STRING_SIZE 256
#define STRING_SLOTS 3
#define SYSCALL_ARGS 6

/* Syscall numbers per ABI that the syscall_specs array covers; larger ones are never selected. */
#define SYSCALL_NR_LIMIT 1024

enum record_kind {
	RECORD_SYSCALL = 1,
};

/* ABI of a syscall: its number is looked up in the table of that ABI. */
enum syscall_abi {
	ABI_NATIVE = 0,		/* x86_64 or arm64 */
	ABI_COMPAT = 1,		/* i386 on x86_64 (also int 0x80 from 64-bit code), arm32 on arm64 */
};

/* Keys of the drops map. */
enum drop_reason {
	DROP_RINGBUF = 0,	/* a syscall record was lost: the ring buffer was full */
	DROP_COUNTS_FULL = 1,	/* a syscall was not counted: the counts map was full */
	DROP_PENDING_FULL = 2,	/* an enter was not stored; its exit record has args read at exit */
	DROP_STRING_READ = 3,	/* a string argument could not be read; sent empty */
	DROP_CGROUP_READ = 4,	/* a cgroup name could not be read; sent empty */
	DROP_NAMES_FULL = 5,	/* cgroup names could not be stored for the count events */
	DROP_REASON_COUNT = 6,
};

/* Source of one string slot of a syscall record. */
enum slot_kind {
	SLOT_NONE = 0,
	SLOT_USER_STRING = 1,	/* NUL-terminated string at the argument's user address */
	SLOT_FD_NAME = 2,	/* name of the file that the argument's file descriptor refers to */
	SLOT_MODULE_IMAGE = 3,	/* module name in the ELF image at the argument's user address */
};

/* Bits of syscall_record.flags. */
#define SYSCALL_ENTER_SEEN (1U << 0)	/* args and strings were read at sys_enter */

/* Entry of the syscall_specs array, at index abi * SYSCALL_NR_LIMIT + nr. */
struct syscall_spec {
	__u8 selected;			/* 1: send one record per call */
	__u8 slot_kind[STRING_SLOTS];	/* enum slot_kind */
	__u8 slot_arg[STRING_SLOTS];	/* argument index 0 to 5 that each slot reads */
	__u8 reserved;
};

/* Settings that user space changes while the programs run; entry 0 of syscall_config. */
struct probe_config {
	__u32 include_host;		/* 1: count and report tasks outside containers too */
	__u32 generation;		/* changed by user space after each change of host_cgroups */
};

/* Key of the counts maps. */
struct count_key {
	__u64 cgroup_id;
	__u32 nr;
	__u32 abi;			/* enum syscall_abi */
};

/* Value of cgroup_names: the last two components of a cgroup v2 path. */
struct cgroup_names {
	char parent[CGROUP_NAME_SIZE];
	char leaf[CGROUP_NAME_SIZE];
};

/* Fields of the task that every record starts with; 56 bytes. */
struct record_header {
	__u64 boot_ns;			/* bpf_ktime_get_boot_ns() at sys_exit */
	__u64 cgroup_id;		/* cgroup v2 id of the task */
	__u32 kind;			/* enum record_kind */
	__u32 pid;			/* thread group id */
	__u32 tid;
	__u32 ppid;			/* thread group id of real_parent */
	__u32 uid;
	__u32 gid;
	char comm[TASK_COMM_SIZE];
};

/*
 * One call of a selected syscall. string_size[i] is the number of bytes read into strings[i],
 * including the NUL, or 0 when the slot is unused or its read failed.
 */
struct syscall_record {
	struct record_header header;
	__u64 enter_ns;			/* bpf_ktime_get_boot_ns() at sys_enter; 0 if not seen */
	__s64 ret;			/* return value; -errno on failure */
	__u64 args[SYSCALL_ARGS];
	__u64 fd_inode;			/* inode number of a SLOT_FD_NAME file; 0 if none */
	__u32 nr;
	__u32 abi;			/* enum syscall_abi */
	__u32 flags;			/* SYSCALL_* bits */
	__u32 string_size[STRING_SLOTS];
	char cgroup_parent[CGROUP_NAME_SIZE];
	char cgroup_leaf[CGROUP_NAME_SIZE];
	char strings[STRING_SLOTS][ARG_STRING_SIZE];
};

#endif /* TARSIER_SYSCALL_H */
