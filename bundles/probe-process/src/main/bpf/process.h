/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Records that process.bpf.c sends to user space. Java decodes them with MemoryLayouts that a
 * unit test compares with this object's BTF, so every field has a fixed width and every struct
 * spells out its padding.
 */
#ifndef TARSIER_PROCESS_H
#define TARSIER_PROCESS_H

#define TASK_COMM_SIZE 16
#define CGROUP_NAME_SIZE 128
#define FILENAME_SIZE 512

/* One cwd component is read with at most CWD_NAME_SIZE bytes, starting below CWD_START_LIMIT. */
#define CWD_NAME_SIZE 256
#define CWD_START_LIMIT 512
#define CWD_SIZE (CWD_START_LIMIT + CWD_NAME_SIZE)
#define CWD_MAX_DEPTH 32

/*
 * Upper bounds of the max_args and max_args_bytes tunables. One argument is read with at most
 * ARGS_LIMIT bytes, starting below ARGS_LIMIT, so the buffer is twice as large.
 */
#define ARGS_COUNT_LIMIT 64
#define ARGS_LIMIT 4096
#define ARGS_BUFFER_SIZE (2 * ARGS_LIMIT)

enum record_kind {
	RECORD_EXEC = 1,
	RECORD_FORK = 2,
	RECORD_EXIT = 3,
};

/* Keys of the drops map: records lost, or sent with a field missing after a failed read. */
enum drop_reason {
	DROP_RINGBUF = 0,
	DROP_FILENAME_READ = 1,
	DROP_ARGV_READ = 2,
	DROP_CWD_READ = 3,
	DROP_CGROUP_READ = 4,
	DROP_REASON_COUNT = 5,
};

/* Bits of exec_record.flags. */
#define EXEC_ARGV_TRUNCATED (1U << 0)
#define EXEC_CWD_TRUNCATED (1U << 1)
#define EXEC_FILENAME_TRUNCATED (1U << 2)

/* Fields of the task that every record starts with; 56 bytes. */
struct record_header {
	__u64 boot_ns;			/* bpf_ktime_get_boot_ns() */
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
 * A successful exec. Only the first offsetof(args) + args_size bytes are sent.
 * cwd contains the components of the working directory in cwd_size bytes, innermost first, each
 * NUL-terminated. args contains argc NUL-terminated arguments in args_size bytes.
 */
struct exec_record {
	struct record_header header;
	__u32 flags;			/* EXEC_* bits */
	__u32 argc;
	__u32 args_size;
	__u32 cwd_size;
	char cgroup_parent[CGROUP_NAME_SIZE];
	char cgroup_leaf[CGROUP_NAME_SIZE];
	char filename[FILENAME_SIZE];
	char cwd[CWD_SIZE];
	char args[ARGS_BUFFER_SIZE];
};

/* A new process or thread; the header describes the parent. */
struct fork_record {
	struct record_header header;
	__u32 child_pid;
	__u32 child_tid;
};

/* The exit of the last thread of a process. */
struct exit_record {
	struct record_header header;
	__u32 exit_status;		/* task->exit_code: (code << 8) | signal, 0x80 = core */
	__u32 reserved;
	__u64 lifetime_ns;		/* since the thread group leader started */
};

#endif /* TARSIER_PROCESS_H */
