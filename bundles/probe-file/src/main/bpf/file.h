/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Records and maps that file.bpf.c shares with user space. Java decodes records and writes the
 * filter maps with MemoryLayouts that a unit test compares with this object's BTF, so every
 * field has a fixed width and every struct spells out its padding.
 */
#ifndef TARSIER_FILE_H
#define TARSIER_FILE_H

#define TASK_COMM_SIZE 16
#define CGROUP_NAME_SIZE 128

/*
 * A path is built in a work buffer: the components of the base directory are written backward
 * so that they end at PATH_BASE_END, and the name passed to the syscall follows at
 * PATH_BASE_END + 1. A user string is read with at most PATH_NAME_SIZE bytes (the kernel's
 * PATH_MAX), and one component has at most 255 bytes (NAME_MAX).
 */
#define PATH_BASE_END 4096
#define PATH_NAME_SIZE 4096
#define PATH_WORK_SIZE 8704
#define PATH_COMPONENT_LIMIT 256
#define PATH_MAX_DEPTH 64

/* One path in a record has at most PATH_MAX_SIZE bytes including its NUL. */
#define PATH_MAX_SIZE 8191
#define RECORD_DATA_SIZE 16384

/* Bounds of the prefix filters: entries per list, bytes per prefix including the length. */
#define PREFIX_COUNT_LIMIT 16
#define PREFIX_SIZE 256

enum record_kind {
	RECORD_FILE = 1,
};

/* File operations; the values are FileOperation's ordinal plus one. */
enum file_operation {
	FILE_OP_OPEN = 1,
	FILE_OP_UNLINK = 2,
	FILE_OP_RENAME = 3,
	FILE_OP_CHMOD = 4,
	FILE_OP_CHOWN = 5,
	FILE_OP_LINK = 6,
	FILE_OP_SYMLINK = 7,
	FILE_OP_MKDIR = 8,
	FILE_OP_RMDIR = 9,
	FILE_OP_TRUNCATE = 10,
	FILE_OP_MKNOD = 11,
};

/* Keys of the drops map: records lost, or sent with a field missing after a failed read. */
enum drop_reason {
	DROP_RINGBUF = 0,
	DROP_PATH_READ = 1,
	DROP_BASE_UNRESOLVED = 2,
	DROP_CGROUP_READ = 3,
	DROP_REASON_COUNT = 4,
};

/* Bits of file_record.record_flags. */
#define FILE_PATH_TRUNCATED (1U << 0)	/* outer components of path are missing */
#define FILE_TARGET_TRUNCATED (1U << 1)	/* outer components of target are missing */
#define FILE_PATH_UNRESOLVED (1U << 2)	/* path is relative: its base could not be found */
#define FILE_TARGET_UNRESOLVED (1U << 3) /* target is relative: its base could not be found */
#define FILE_IN_CONTAINER (1U << 4)	/* the task's mount namespace is not the host's */
#define FILE_PATH_RESOLVED (1U << 5)	/* path is the opened file's; target is the path given */

/* Fields of the task that every record starts with; 56 bytes, as in the process probe. */
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
 * One file operation, sent when its syscall returns. Only the first offsetof(data) + path_size
 * + target_size bytes are sent: data holds path and then target, each NUL-terminated.
 */
struct file_record {
	struct record_header header;
	__u32 operation;		/* enum file_operation */
	__u32 flags;			/* open flags, renameat2 flags or AT_* flags */
	__u32 mode;
	__s32 owner_uid;		/* chown: new owner, -1 if unchanged or not chown */
	__s32 owner_gid;
	__u32 record_flags;		/* FILE_* bits */
	__s64 result;			/* syscall return value, -errno on failure */
	__u32 path_size;		/* bytes of path in data, including its NUL */
	__u32 target_size;		/* bytes of target in data, 0 if the operation has none */
	char cgroup_parent[CGROUP_NAME_SIZE];
	char cgroup_leaf[CGROUP_NAME_SIZE];
	char data[RECORD_DATA_SIZE];
};

/* Value of the single entry of the file_config map; user space may rewrite it at any time. */
struct file_config {
	__u32 containers_only;		/* drop tasks in the host's mount namespace */
	__u32 write_opens_only;		/* drop opens without a write or create flag */
	__u32 include_count;		/* entries of file_includes in use */
	__u32 exclude_count;		/* entries of file_excludes in use */
	__u32 host_mnt_ns;		/* inode number of the host's mount namespace */
	__u32 self_tgid;		/* the agent's own process, never reported */
	__u32 sensitive_count;		/* entries of file_sensitive in use */
	/*
	 * Bit c is set when an entry of file_sensitive can match a path whose byte after the
	 * leading '/' is c, so most paths fail the list without a comparison of entries.
	 */
	__u64 sensitive_second[4];
};

/* Keys of file_generations: counters that end the validity of cached read verdicts. */
enum generation_key {
	GENERATION_RENAMES = 0,		/* renames started on the host, counted by the kernel */
	GENERATION_CONFIG = 1,		/* filter writes, set by user space */
	GENERATION_COUNT = 2,
};

/*
 * A path prefix of the include, exclude or sensitive-read list, without NUL. It matches a path
 * that starts with it where the prefix ends in '/' or the path continues with '/' or ends.
 * A sensitive-read prefix may have one '*', which is not stored: star is then the number of
 * bytes before it. The '*' matches the rest of one component, so the entry for the .ssh folders
 * of all users below /home stores "/home//.ssh" with star = 6.
 */
struct path_prefix {
	__u32 length;			/* bytes stored, without the '*' */
	__u32 star;			/* bytes before the '*', 0 without one */
	char bytes[PREFIX_SIZE];	/* zero after length */
};

#endif /* TARSIER_FILE_H */
