// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * File probe: opens, unlink, rename, chmod, chown, links, mkdir, rmdir, truncate and mknod.
 *
 * One small program per syscalls/sys_enter_* tracepoint applies the task and open filters and
 * keeps the arguments per thread in file_pending. One program, attached by user space to every
 * matching syscalls/sys_exit_* tracepoint, reads the paths when the syscall returns. The kernel
 * has just read them, so their pages are resident unless reclaimed in between. It builds absolute
 * paths within the task's root, applies the prefix filters and sends one record. Uses helpers of
 * Linux 5.8 and older and global functions (5.6), so that the path code is verified once.
 * i386 syscalls fire no syscalls/sys_*_* tracepoint, so ia32_sys_exit handles them on sys_exit.
 * NOTE: on arm64, 32-bit (AArch32) syscalls are not handled yet.
 *
 * A read-only open under write_opens_only costs two path walks before it is dropped, and busy
 * servers open the same files again and again. So file_read_verdicts keeps the files that were
 * dropped, keyed by the opened dentry and mount, the task's root and the absolute path as given.
 * An entry is trusted only while no rename or mount move has started on the host and no filter
 * was written since it was stored, and while the dentry still has the same inode, parent and
 * name. A mount moved with MS_MOVE or move_mount changes the paths below it without a rename.
 * NOTE: verified by the 6.18 verifier only; no 5.10 kernel was at hand to load it on.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>

#include "compat.h"
#include "tarsier_ringbuf.h"
#include "tarsier_syscall_abi.h"
#include "file.h"

/* Values of the x86-64 and generic UAPI. */
#define AT_FDCWD -100
#define AT_SYMLINK_NOFOLLOW 0x100
#define AT_REMOVEDIR 0x200
#define AT_EMPTY_PATH 0x1000
#define O_WRONLY 01
#define O_RDWR 02
#define O_CREAT 0100
#define MS_MOVE 8192
#define O_TRUNC 01000
#define O_APPEND 02000
#define O_TMPFILE_BIT 020000000

#define OPEN_WRITE_FLAGS (O_WRONLY | O_RDWR | O_CREAT | O_TRUNC | O_APPEND)
#define MODE_BITS 07777

/* Kind of syscall argument that names the file of an operand. */
enum operand_kind {
	OPERAND_NONE = 0,
	OPERAND_NAME = 1,		/* user path, relative to a directory fd or the cwd */
	OPERAND_FD = 2,			/* the file behind a file descriptor */
	OPERAND_CONTENT = 3,		/* user string reported as given (a symlink's content) */
};

/*
 * Bit that build_operand adds for a file on a mount outside the task's mount namespace, such
 * as a pipe or a memfd reached through /proc/self/fd. Not a record flag.
 */
#define OPERAND_DETACHED (1U << 30)

/* Marks that no byte of a built path came from user space, so it needs no check. */
#define SCAN_NONE 0xFFFFFFFF

/* Bytes of a user path that the prefix filters scan for "//", "/." and "/.." */
#define PLAIN_SCAN_LIMIT 512

/* PATH_MAX_SIZE is a power of two minus one, so it also serves as a mask. */
#define PATH_SIZE_MASK PATH_MAX_SIZE

/*
 * Index mask of work->buf for the sensitive-read compares. They read below
 * PATH_BASE_END + 1 + 3 * PREFIX_SIZE, so the mask bounds the index without changing it.
 */
#define WORK_INDEX_MASK 8191

/* Outcome bits of an operand: it passes the prefix filters, it is in the sensitive-read list. */
#define OPERAND_SELECTED 1
#define OPERAND_SENSITIVE 2

/* Modes of the check of an operand against the sensitive-read list. */
enum sensitive_check {
	SENSITIVE_SKIP = 0,
	SENSITIVE_STRICT = 1,		/* a path the kernel cannot compare does not match */
	SENSITIVE_LENIENT = 2,		/* a path the kernel cannot compare matches */
};

/* Arguments of a syscall in progress, from its enter to its exit tracepoint. */
struct pending {
	__u64 syscall_nr;
	__u64 path;			/* user pointer of the path operand */
	__u64 target;			/* user pointer of the target operand */
	__s32 path_fd;			/* directory fd of a name, or the fd of OPERAND_FD */
	__s32 target_fd;
	__u32 path_kind;		/* enum operand_kind */
	__u32 target_kind;
	__u32 operation;		/* enum file_operation */
	__u32 flags;
	__u32 mode;
	__s32 owner_uid;
	__s32 owner_gid;
	__u32 in_container;
	__u32 read_only;		/* a read-only open that only a sensitive path lets pass */
};

/*
 * Work area of one path. position and scan_from live here rather than in registers. The
 * verifier then finds the same state at each loop head and prunes it.
 */
struct path_work {
	__u32 position;			/* first byte of the path in buf */
	__u32 end;			/* the NUL that ends the path in buf */
	__u32 scan_from;		/* first byte that came from user space, or SCAN_NONE */
	__u32 truncated;
	__u32 detached;			/* the walk ended on a mount outside the namespace */
	__u32 reserved;
	char buf[PATH_WORK_SIZE];
};

/* Bytes of the path as given that a read verdict key holds, including the NUL. */
#define READ_KEY_PATH_SIZE 64

/* Key of file_read_verdicts: the opened file, the task's root and the path as given. */
struct read_key {
	__u64 dentry;
	__u64 vfsmount;
	__u64 root_dentry;
	__u64 root_vfsmount;
	char path[READ_KEY_PATH_SIZE];
};

/* Value of file_read_verdicts: the state under which an open of the key was dropped. */
struct read_verdict {
	__u64 inode;			/* dentry->d_inode */
	__u64 parent;			/* dentry->d_parent */
	__u64 name_hash_len;		/* dentry->d_name.hash_len */
	__u64 renames;			/* file_generations[GENERATION_RENAMES] */
	__u64 config;			/* file_generations[GENERATION_CONFIG] */
};

/* Put the shared types into the object's BTF, where a test compares them with Java layouts. */
const struct file_record *const file_record_type = 0;
const struct file_config *const file_config_type = 0;
const struct path_prefix *const path_prefix_type = 0;

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 8 * 1024 * 1024);
} file_events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, DROP_REASON_COUNT);
	__type(key, __u32);
	__type(value, __u64);
} file_drops SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct file_config);
} file_config SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, PREFIX_COUNT_LIMIT);
	__type(key, __u32);
	__type(value, struct path_prefix);
} file_includes SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, PREFIX_COUNT_LIMIT);
	__type(key, __u32);
	__type(value, struct path_prefix);
} file_excludes SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, PREFIX_COUNT_LIMIT);
	__type(key, __u32);
	__type(value, struct path_prefix);
} file_sensitive SEC(".maps");

/* An LRU map, so that entries of threads that never returned are evicted rather than leaked. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, __u32);
	__type(value, struct pending);
} file_pending SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, GENERATION_COUNT);
	__type(key, __u32);
	__type(value, __u64);
} file_generations SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, struct read_key);
	__type(value, struct read_verdict);
} file_read_verdicts SEC(".maps");

/* Records are built here, because they are too large for the stack. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct file_record);
} file_scratch SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct path_work);
} file_work SEC(".maps");

static __always_inline void count_drop(__u32 reason)
{
	__u64 *count = bpf_map_lookup_elem(&file_drops, &reason);

	if (count)
		*count += 1;
}

static __always_inline __u64 generation(__u32 key)
{
	__u64 *value = bpf_map_lookup_elem(&file_generations, &key);

	return value ? *value : 0;
}

/*
 * Ends the validity of every cached read verdict, before a rename or a mount move can change
 * any path.
 */
static __always_inline void count_path_move(void)
{
	__u32 key = GENERATION_RENAMES;
	__u64 *value = bpf_map_lookup_elem(&file_generations, &key);

	if (value)
		__sync_fetch_and_add(value, 1);
}

static __always_inline struct path_work *work_area(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&file_work, &zero);
}

static __always_inline struct file_record *record_area(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&file_scratch, &zero);
}

/* ---- enter side: filters that need no string, and the arguments ---- */

/*
 * Returns the configuration if the calling task passes the task filters, else NULL. A task is
 * in a container when its mount namespace is not the host's. NOTE: host daemons with a private
 * mount namespace (systemd's PrivateTmp=, for example) count as containers here.
 */
static __always_inline struct file_config *task_filter(__u32 *in_container)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	struct file_config *config;
	__u32 zero = 0, mnt_ns;

	config = bpf_map_lookup_elem(&file_config, &zero);
	if (!config)
		return NULL;
	if ((bpf_get_current_pid_tgid() >> 32) == config->self_tgid)
		return NULL;
	mnt_ns = BPF_CORE_READ(task, nsproxy, mnt_ns, ns.inum);
	*in_container = mnt_ns != 0 && mnt_ns != config->host_mnt_ns;
	if (config->containers_only && !*in_container)
		return NULL;
	return config;
}

static __always_inline int remember(struct trace_event_raw_sys_enter *ctx, struct pending *op)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct file_config *config;

	config = task_filter(&op->in_container);
	if (!config)
		return 0;
	/* a read-only open waits for its paths only if one may be in the sensitive-read list */
	if (op->operation == FILE_OP_OPEN && config->write_opens_only &&
	    !(op->flags & OPEN_WRITE_FLAGS)) {
		if (config->sensitive_count == 0)
			return 0;
		op->read_only = 1;
	}
	op->syscall_nr = ctx->id;
	bpf_map_update_elem(&file_pending, &tid, op, BPF_ANY);
	return 0;
}

static __always_inline int remember_name(struct trace_event_raw_sys_enter *ctx, __u32 operation,
					 long dirfd, unsigned long path, __u32 flags, __u32 mode)
{
	struct pending op = {
		.path = path,
		.path_fd = dirfd,
		.path_kind = OPERAND_NAME,
		.operation = operation,
		.flags = flags,
		.mode = mode,
		.owner_uid = -1,
		.owner_gid = -1,
	};

	return remember(ctx, &op);
}

static __always_inline int remember_fd(struct trace_event_raw_sys_enter *ctx, __u32 operation,
				       long fd, __u32 mode, __s32 uid, __s32 gid)
{
	struct pending op = {
		.path_fd = fd,
		.path_kind = OPERAND_FD,
		.operation = operation,
		.flags = AT_EMPTY_PATH,
		.mode = mode,
		.owner_uid = uid,
		.owner_gid = gid,
	};

	return remember(ctx, &op);
}

static __always_inline int remember_open(struct trace_event_raw_sys_enter *ctx, long dirfd,
					 unsigned long path, __u32 flags, __u32 mode)
{
	/* the mode argument is garbage unless the open can create a file */
	if (!(flags & (O_CREAT | O_TMPFILE_BIT)))
		mode = 0;
	return remember_name(ctx, FILE_OP_OPEN, dirfd, path, flags, mode & MODE_BITS);
}

static __always_inline int remember_chown(struct trace_event_raw_sys_enter *ctx, long dirfd,
					  unsigned long path, __u32 uid, __u32 gid, __u32 flags)
{
	struct pending op = {
		.path = path,
		.path_fd = dirfd,
		.path_kind = OPERAND_NAME,
		.operation = FILE_OP_CHOWN,
		.flags = flags,
		.owner_uid = uid,
		.owner_gid = gid,
	};

	return remember(ctx, &op);
}

/* path is the operand the event names first, target the second (see FileEvent). */
static __always_inline int remember_pair(struct trace_event_raw_sys_enter *ctx, __u32 operation,
					 long path_dirfd, unsigned long path, __u32 target_kind,
					 long target_dirfd, unsigned long target, __u32 flags)
{
	struct pending op = {
		.path = path,
		.path_fd = path_dirfd,
		.path_kind = OPERAND_NAME,
		.target = target,
		.target_fd = target_dirfd,
		.target_kind = target_kind,
		.operation = operation,
		.flags = flags,
		.owner_uid = -1,
		.owner_gid = -1,
	};

	return remember(ctx, &op);
}

SEC("tracepoint/syscalls/sys_enter_open")
int enter_open(struct trace_event_raw_sys_enter *ctx)
{
	return remember_open(ctx, AT_FDCWD, ctx->args[0], ctx->args[1], ctx->args[2]);
}

SEC("tracepoint/syscalls/sys_enter_openat")
int enter_openat(struct trace_event_raw_sys_enter *ctx)
{
	return remember_open(ctx, ctx->args[0], ctx->args[1], ctx->args[2], ctx->args[3]);
}

SEC("tracepoint/syscalls/sys_enter_openat2")
int enter_openat2(struct trace_event_raw_sys_enter *ctx)
{
	struct open_how how = {};
	__u32 in_container;

	/* the flags are in user memory: read them only for tasks that pass the task filter */
	if (!task_filter(&in_container))
		return 0;
	if (bpf_probe_read_user(&how, sizeof(how.flags) + sizeof(how.mode), (void *)ctx->args[2]))
		return 0;
	return remember_open(ctx, ctx->args[0], ctx->args[1], how.flags, how.mode);
}

SEC("tracepoint/syscalls/sys_enter_creat")
int enter_creat(struct trace_event_raw_sys_enter *ctx)
{
	return remember_open(ctx, AT_FDCWD, ctx->args[0], O_CREAT | O_WRONLY | O_TRUNC,
			     ctx->args[1]);
}

SEC("tracepoint/syscalls/sys_enter_unlink")
int enter_unlink(struct trace_event_raw_sys_enter *ctx)
{
	return remember_name(ctx, FILE_OP_UNLINK, AT_FDCWD, ctx->args[0], 0, 0);
}

SEC("tracepoint/syscalls/sys_enter_unlinkat")
int enter_unlinkat(struct trace_event_raw_sys_enter *ctx)
{
	__u32 flags = ctx->args[2];

	return remember_name(ctx, flags & AT_REMOVEDIR ? FILE_OP_RMDIR : FILE_OP_UNLINK, ctx->args[0],
			     ctx->args[1], flags, 0);
}

SEC("tracepoint/syscalls/sys_enter_rename")
int enter_rename(struct trace_event_raw_sys_enter *ctx)
{
	count_path_move();
	return remember_pair(ctx, FILE_OP_RENAME, AT_FDCWD, ctx->args[0], OPERAND_NAME, AT_FDCWD,
			     ctx->args[1], 0);
}

SEC("tracepoint/syscalls/sys_enter_renameat")
int enter_renameat(struct trace_event_raw_sys_enter *ctx)
{
	count_path_move();
	return remember_pair(ctx, FILE_OP_RENAME, ctx->args[0], ctx->args[1], OPERAND_NAME,
			     ctx->args[2], ctx->args[3], 0);
}

SEC("tracepoint/syscalls/sys_enter_renameat2")
int enter_renameat2(struct trace_event_raw_sys_enter *ctx)
{
	count_path_move();
	return remember_pair(ctx, FILE_OP_RENAME, ctx->args[0], ctx->args[1], OPERAND_NAME,
			     ctx->args[2], ctx->args[3], ctx->args[4]);
}

/* A mount moved with MS_MOVE keeps its dentries, so a path as given can reach them elsewhere. */
SEC("tracepoint/syscalls/sys_enter_mount")
int enter_mount(struct trace_event_raw_sys_enter *ctx)
{
	if (ctx->args[3] & MS_MOVE)
		count_path_move();
	return 0;
}

/* move_mount(2) (Linux 5.2) moves or attaches a mount; either can change paths. */
SEC("tracepoint/syscalls/sys_enter_move_mount")
int enter_move_mount(struct trace_event_raw_sys_enter *ctx)
{
	count_path_move();
	return 0;
}

/*
 * The moved_* programs count a path move again when it returns. A verdict stored by an open
 * that ended between the enter and the move itself then becomes stale as well. The exit of
 * mount has no flags, so every mount that succeeded counts.
 */
static __always_inline int path_moved(struct trace_event_raw_sys_exit *ctx)
{
	if (ctx->ret == 0)
		count_path_move();
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_rename")
int moved_rename(struct trace_event_raw_sys_exit *ctx)
{
	return path_moved(ctx);
}

SEC("tracepoint/syscalls/sys_exit_renameat")
int moved_renameat(struct trace_event_raw_sys_exit *ctx)
{
	return path_moved(ctx);
}

SEC("tracepoint/syscalls/sys_exit_renameat2")
int moved_renameat2(struct trace_event_raw_sys_exit *ctx)
{
	return path_moved(ctx);
}

SEC("tracepoint/syscalls/sys_exit_mount")
int moved_mount(struct trace_event_raw_sys_exit *ctx)
{
	return path_moved(ctx);
}

SEC("tracepoint/syscalls/sys_exit_move_mount")
int moved_move_mount(struct trace_event_raw_sys_exit *ctx)
{
	return path_moved(ctx);
}

SEC("tracepoint/syscalls/sys_enter_chmod")
int enter_chmod(struct trace_event_raw_sys_enter *ctx)
{
	return remember_name(ctx, FILE_OP_CHMOD, AT_FDCWD, ctx->args[0], 0, ctx->args[1] & MODE_BITS);
}

SEC("tracepoint/syscalls/sys_enter_fchmod")
int enter_fchmod(struct trace_event_raw_sys_enter *ctx)
{
	return remember_fd(ctx, FILE_OP_CHMOD, ctx->args[0], ctx->args[1] & MODE_BITS, -1, -1);
}

SEC("tracepoint/syscalls/sys_enter_fchmodat")
int enter_fchmodat(struct trace_event_raw_sys_enter *ctx)
{
	return remember_name(ctx, FILE_OP_CHMOD, ctx->args[0], ctx->args[1], 0,
			     ctx->args[2] & MODE_BITS);
}

/* fchmodat2 exists from Linux 6.6; user space attaches this program only where it exists. */
SEC("tracepoint/syscalls/sys_enter_fchmodat2")
int enter_fchmodat2(struct trace_event_raw_sys_enter *ctx)
{
	return remember_name(ctx, FILE_OP_CHMOD, ctx->args[0], ctx->args[1], ctx->args[3],
			     ctx->args[2] & MODE_BITS);
}

SEC("tracepoint/syscalls/sys_enter_chown")
int enter_chown(struct trace_event_raw_sys_enter *ctx)
{
	return remember_chown(ctx, AT_FDCWD, ctx->args[0], ctx->args[1], ctx->args[2], 0);
}

SEC("tracepoint/syscalls/sys_enter_fchown")
int enter_fchown(struct trace_event_raw_sys_enter *ctx)
{
	return remember_fd(ctx, FILE_OP_CHOWN, ctx->args[0], 0, ctx->args[1], ctx->args[2]);
}

SEC("tracepoint/syscalls/sys_enter_lchown")
int enter_lchown(struct trace_event_raw_sys_enter *ctx)
{
	return remember_chown(ctx, AT_FDCWD, ctx->args[0], ctx->args[1], ctx->args[2],
			      AT_SYMLINK_NOFOLLOW);
}

SEC("tracepoint/syscalls/sys_enter_fchownat")
int enter_fchownat(struct trace_event_raw_sys_enter *ctx)
{
	return remember_chown(ctx, ctx->args[0], ctx->args[1], ctx->args[2], ctx->args[3],
			      ctx->args[4]);
}

SEC("tracepoint/syscalls/sys_enter_link")
int enter_link(struct trace_event_raw_sys_enter *ctx)
{
	return remember_pair(ctx, FILE_OP_LINK, AT_FDCWD, ctx->args[1], OPERAND_NAME, AT_FDCWD,
			     ctx->args[0], 0);
}

SEC("tracepoint/syscalls/sys_enter_linkat")
int enter_linkat(struct trace_event_raw_sys_enter *ctx)
{
	return remember_pair(ctx, FILE_OP_LINK, ctx->args[2], ctx->args[3], OPERAND_NAME,
			     ctx->args[0], ctx->args[1], ctx->args[4]);
}

SEC("tracepoint/syscalls/sys_enter_symlink")
int enter_symlink(struct trace_event_raw_sys_enter *ctx)
{
	return remember_pair(ctx, FILE_OP_SYMLINK, AT_FDCWD, ctx->args[1], OPERAND_CONTENT, 0,
			     ctx->args[0], 0);
}

SEC("tracepoint/syscalls/sys_enter_symlinkat")
int enter_symlinkat(struct trace_event_raw_sys_enter *ctx)
{
	return remember_pair(ctx, FILE_OP_SYMLINK, ctx->args[1], ctx->args[2], OPERAND_CONTENT, 0,
			     ctx->args[0], 0);
}

SEC("tracepoint/syscalls/sys_enter_mkdir")
int enter_mkdir(struct trace_event_raw_sys_enter *ctx)
{
	return remember_name(ctx, FILE_OP_MKDIR, AT_FDCWD, ctx->args[0], 0, ctx->args[1] & MODE_BITS);
}

SEC("tracepoint/syscalls/sys_enter_mkdirat")
int enter_mkdirat(struct trace_event_raw_sys_enter *ctx)
{
	return remember_name(ctx, FILE_OP_MKDIR, ctx->args[0], ctx->args[1], 0,
			     ctx->args[2] & MODE_BITS);
}

SEC("tracepoint/syscalls/sys_enter_rmdir")
int enter_rmdir(struct trace_event_raw_sys_enter *ctx)
{
	return remember_name(ctx, FILE_OP_RMDIR, AT_FDCWD, ctx->args[0], 0, 0);
}

SEC("tracepoint/syscalls/sys_enter_truncate")
int enter_truncate(struct trace_event_raw_sys_enter *ctx)
{
	return remember_name(ctx, FILE_OP_TRUNCATE, AT_FDCWD, ctx->args[0], 0, 0);
}

SEC("tracepoint/syscalls/sys_enter_ftruncate")
int enter_ftruncate(struct trace_event_raw_sys_enter *ctx)
{
	return remember_fd(ctx, FILE_OP_TRUNCATE, ctx->args[0], 0, -1, -1);
}

/* The mode of mknod keeps its file type bits (S_IFCHR, S_IFBLK, S_IFIFO ...). */
SEC("tracepoint/syscalls/sys_enter_mknod")
int enter_mknod(struct trace_event_raw_sys_enter *ctx)
{
	return remember_name(ctx, FILE_OP_MKNOD, AT_FDCWD, ctx->args[0], 0, ctx->args[1]);
}

SEC("tracepoint/syscalls/sys_enter_mknodat")
int enter_mknodat(struct trace_event_raw_sys_enter *ctx)
{
	return remember_name(ctx, FILE_OP_MKNOD, ctx->args[0], ctx->args[1], 0, ctx->args[2]);
}

/* ---- exit side: paths, prefix filters and the record ---- */

static __always_inline struct file *task_file(struct task_struct *task, int fd)
{
	struct fdtable *fdt = BPF_CORE_READ(task, files, fdt);
	struct file **fds;
	struct file *file = NULL;

	if (fd < 0 || !fdt || fd >= BPF_CORE_READ(fdt, max_fds))
		return NULL;
	fds = BPF_CORE_READ(fdt, fd);
	if (bpf_probe_read_kernel(&file, sizeof(file), &fds[fd]) < 0)
		return NULL;
	return file;
}

/*
 * Writes the path of dentry on vfsmount backward below work->position, one "/component" per
 * turn, up to the task's root and crossing mount points. Stops early, and marks the path
 * truncated, when the depth or the room below PATH_BASE_END runs out. A global function, so the
 * verifier checks the loop once; the kernel pointers arrive as numbers.
 */
__noinline int walk_to_root(__u64 dentry_address, __u64 vfsmount_address)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	struct dentry *dentry = (struct dentry *)dentry_address;
	struct vfsmount *vfsmount = (struct vfsmount *)vfsmount_address;
	struct dentry *root = BPF_CORE_READ(task, fs, root.dentry);
	struct vfsmount *root_mount = BPF_CORE_READ(task, fs, root.mnt);
	struct mount *namespace_root = BPF_CORE_READ(task, nsproxy, mnt_ns, root);
	__u64 mnt_offset = bpf_core_field_offset(struct mount, mnt);
	struct path_work *work = work_area();
	struct mount *mount, *mount_parent;
	struct dentry *parent, *mount_root;
	__u32 length, position;
	int i;

	if (!work)
		return 0;
	work->truncated = 1;
	for (i = 0; i < PATH_MAX_DEPTH; i++) {
		if (dentry == root && vfsmount == root_mount) {
			work->truncated = 0;
			break;
		}
		mount_root = BPF_CORE_READ(vfsmount, mnt_root);
		parent = BPF_CORE_READ(dentry, d_parent);
		if (dentry == mount_root || dentry == parent) {
			mount = (void *)vfsmount - mnt_offset;
			mount_parent = BPF_CORE_READ(mount, mnt_parent);
			if (mount == mount_parent) {
				/* the root of the mount namespace, above the task's root, or a
				 * kernel-internal mount (pipefs, shm) */
				work->truncated = 0;
				work->detached = mount != namespace_root;
				break;
			}
			dentry = BPF_CORE_READ(mount, mnt_mountpoint);
			vfsmount = (void *)mount_parent + mnt_offset;
			continue;
		}
		length = BPF_CORE_READ(dentry, d_name.len);
		position = work->position;
		if (length == 0 || length >= PATH_COMPONENT_LIMIT || position <= length ||
		    position > PATH_BASE_END)
			break;
		position -= length + 1;
		bpf_probe_read_kernel(&work->buf[(position + 1) & (PATH_BASE_END - 1)],
				      length & (PATH_COMPONENT_LIMIT - 1),
				      BPF_CORE_READ(dentry, d_name.name));
		work->buf[position & (PATH_BASE_END - 1)] = '/';
		work->position = position;
		dentry = parent;
	}
	return 0;
}

static __always_inline void walk_path(const struct path *path)
{
	walk_to_root((__u64)BPF_CORE_READ(path, dentry), (__u64)BPF_CORE_READ(path, mnt));
}

/* Writes the path of the directory that a relative name starts from; false if unknown. */
static __always_inline bool walk_base(struct task_struct *task, int dirfd)
{
	struct fs_struct *fs;
	struct file *file;

	if (dirfd == AT_FDCWD) {
		fs = BPF_CORE_READ(task, fs);
		walk_path(&fs->pwd);
		return true;
	}
	file = task_file(task, dirfd);
	if (!file)
		return false;
	walk_path(&file->f_path);
	return true;
}

/*
 * Builds the absolute path of one operand in the work area, between work->position and the NUL
 * at work->end. Returns FILE_PATH_TRUNCATED and FILE_PATH_UNRESOLVED bits. A global function,
 * so the verifier checks it once rather than at each call.
 */
__noinline int build_operand(__u32 kind, __s32 fd, __u64 user)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	struct path_work *work = work_area();
	struct file *file;
	long length;

	if (!work)
		return 0;
	work->position = PATH_BASE_END;
	work->end = PATH_BASE_END;
	work->scan_from = SCAN_NONE;
	work->truncated = 0;
	work->detached = 0;
	work->buf[PATH_BASE_END] = 0;

	/* the file behind a file descriptor: the walk gives the whole path */
	if (kind == OPERAND_FD) {
		file = task_file(task, fd);
		if (!file) {
			count_drop(DROP_BASE_UNRESOLVED);
			return FILE_PATH_UNRESOLVED;
		}
		walk_path(&file->f_path);
		if (work->position == PATH_BASE_END) {
			work->position = PATH_BASE_END - 1;
			work->buf[PATH_BASE_END - 1] = '/';
		}
		return (work->truncated ? FILE_PATH_TRUNCATED : 0) |
		       (work->detached ? OPERAND_DETACHED : 0);
	}

	/* a symlink's content, as given */
	if (kind == OPERAND_CONTENT) {
		length = bpf_probe_read_user_str(&work->buf[PATH_BASE_END], PATH_NAME_SIZE,
						 (void *)user);
		if (length <= 0) {
			count_drop(DROP_PATH_READ);
			work->buf[PATH_BASE_END] = 0;
			return 0;
		}
		work->end = PATH_BASE_END + length - 1;
		work->scan_from = PATH_BASE_END;
		return 0;
	}

	/* a name: absolute as given, or relative to the directory fd or cwd */
	length = bpf_probe_read_user_str(&work->buf[PATH_BASE_END + 1], PATH_NAME_SIZE,
					 (void *)user);
	if (length <= 0) {
		count_drop(DROP_PATH_READ);
		return 0;
	}
	work->end = PATH_BASE_END + length;
	work->scan_from = PATH_BASE_END + 1;
	work->position = PATH_BASE_END + 1;
	if (work->buf[PATH_BASE_END + 1] == '/')
		return 0;
	work->position = PATH_BASE_END;
	if (!walk_base(task, fd)) {
		count_drop(DROP_BASE_UNRESOLVED);
		work->position = PATH_BASE_END + 1;
		return FILE_PATH_UNRESOLVED;
	}
	work->buf[PATH_BASE_END] = '/';
	return work->truncated ? FILE_PATH_TRUNCATED : 0;
}

#define BYTES_LOW7 0x7F7F7F7F7F7F7F7FULL
#define BYTES_HIGH 0x8080808080808080ULL
#define BYTES_ONE 0x0101010101010101ULL

/*
 * Returns bit 7 of each byte of word that equals value, and no other bit. Adding 0x7F to the
 * low seven bits of a byte sets its bit 7 unless they are all zero, and never carries into the
 * next byte. Word-wise scans keep the verifier's count of pending branches low.
 */
static __always_inline __u64 bytes_equal(__u64 word, __u8 value)
{
	__u64 diff = word ^ (value * BYTES_ONE);

	return ~(((diff & BYTES_LOW7) + BYTES_LOW7) | diff) & BYTES_HIGH;
}

/*
 * Returns whether the user part of the path is free of "//" and of components that start with
 * '.', so that prefixes can be compared without normalising it. Dotfiles fail the test too, and
 * so does a user part longer than PLAIN_SCAN_LIMIT bytes, which keeps verification short.
 */
static __always_inline bool path_is_plain(struct path_work *work)
{
	__u64 word, slash, bad, nul, after_slash = 0x80;
	__u32 index, from = work->scan_from;
	int i;

	if (from == SCAN_NONE || from >= PATH_WORK_SIZE)
		return true;
	/* a relative name follows a '/' of the base; an absolute one starts with its own */
	if (work->buf[from] == '/')
		after_slash = 0;
	/* reads whole words from the scan start: the string may end inside one */
	for (i = 0; i < PLAIN_SCAN_LIMIT / 8; i++) {
		index = from + i * 8;
		if (index > PATH_WORK_SIZE - 8)
			return false;
		word = *(__u64 *)&work->buf[index];
		slash = bytes_equal(word, '/');
		nul = bytes_equal(word, 0);
		/* bytes that follow a slash: shifted by one byte, plus the carry of the last word */
		bad = ((slash << 8) | after_slash) & (slash | bytes_equal(word, '.'));
		/* keep the bytes before the first NUL; with no NUL the mask is all ones */
		bad &= (nul & -nul) - 1;
		if (bad)
			return false;
		if (nul)
			return true;
		after_slash = slash >> 56;
	}
	return false;
}

/*
 * Returns 1 if prefix number index of the list (0 includes, 1 excludes) matches the path in
 * the work area. A global function, so the verifier checks it once.
 */
__noinline int prefix_matches(__u32 list, __u32 index)
{
	struct path_work *work = work_area();
	struct path_prefix *prefix;
	__u32 length, start, offset;
	__u64 word, mask;
	int i;

	prefix = list ? bpf_map_lookup_elem(&file_excludes, &index)
		      : bpf_map_lookup_elem(&file_includes, &index);
	if (!work || !prefix)
		return 0;
	length = prefix->length;
	start = work->position;
	if (length == 0 || length >= PREFIX_SIZE || start > PATH_BASE_END + 1)
		return 0;

	/*
	 * compare eight bytes per turn. The prefix is zero past its length and has no NUL inside,
	 * so its nonzero bytes are exactly the ones to compare.
	 */
	for (i = 0; i < PREFIX_SIZE / 8; i++) {
		offset = i * 8;
		if (offset >= length)
			break;
		word = *(__u64 *)&prefix->bytes[offset];
		mask = ((~bytes_equal(word, 0) & BYTES_HIGH) >> 7) * 0xFF;
		if ((*(__u64 *)&work->buf[start + offset] ^ word) & mask)
			return 0;
	}

	/* a prefix matches whole components: "/etc" matches "/etc/x" and "/etc", not "/etcx" */
	if (prefix->bytes[(length - 1) & (PREFIX_SIZE - 1)] == '/')
		return 1;
	return work->buf[start + length] == '/' || work->buf[start + length] == 0;
}

static __always_inline bool any_prefix_matches(__u32 list, __u32 count)
{
	__u32 i;

	for (i = 0; i < PREFIX_COUNT_LIMIT; i++) {
		if (i >= count)
			break;
		if (prefix_matches(list, i))
			return true;
	}
	return false;
}

/*
 * Returns whether count bytes of prefix, from offset from, equal the work area's bytes from
 * offset at. Compares byte by byte, so it stops at the first difference, which comes early for
 * most paths.
 */
static __always_inline bool prefix_bytes_equal(struct path_work *work, struct path_prefix *prefix,
					       __u32 at, __u32 from, __u32 count)
{
	__u32 i;

	for (i = 0; i < PREFIX_SIZE; i++) {
		if (i >= count)
			return true;
		if (work->buf[(at + i) & WORK_INDEX_MASK] !=
		    prefix->bytes[(from + i) & (PREFIX_SIZE - 1)])
			return false;
	}
	return true;
}

/*
 * Returns 1 if the bytes of sensitive-read entry index from offset from to its end equal the
 * work area's bytes from offset at, and end a component there. A global function, so the
 * verifier checks it once for any at.
 */
__noinline int sensitive_rest_matches(__u32 index, __u32 at, __u32 from)
{
	struct path_work *work = work_area();
	struct path_prefix *prefix = bpf_map_lookup_elem(&file_sensitive, &index);
	__u32 length;
	char next;

	if (!work || !prefix)
		return 0;
	length = prefix->length;
	if (length == 0 || length >= PREFIX_SIZE || from >= length ||
	    at > PATH_BASE_END + 1 + 2 * PREFIX_SIZE)
		return 0;
	if (!prefix_bytes_equal(work, prefix, at, from, length - from))
		return 0;
	if (prefix->bytes[(length - 1) & (PREFIX_SIZE - 1)] == '/')
		return 1;
	next = work->buf[(at + length - from) & WORK_INDEX_MASK];
	return next == '/' || next == 0;
}

/*
 * Returns the offset of the first '/' or NUL at or after offset at in the work area, looking at
 * most PATH_COMPONENT_LIMIT bytes ahead. A global function, so that its caller continues with
 * one unknown result rather than with one verifier state per component length.
 */
__noinline int component_end(__u32 at)
{
	struct path_work *work = work_area();
	__u32 i;
	char next;

	if (!work)
		return at;
	for (i = 0; i < PATH_COMPONENT_LIMIT; i++) {
		next = work->buf[(at + i) & WORK_INDEX_MASK];
		if (next == '/' || next == 0)
			break;
	}
	return at + i;
}

/*
 * Returns 1 if entry number index of the sensitive-read list matches the path in the work area.
 * The bytes before a '*' are compared as they are, the '*' takes the rest of that component,
 * and the bytes after it must end a component. A global function, so the verifier checks it
 * once.
 */
__noinline int sensitive_matches(__u32 index)
{
	struct path_work *work = work_area();
	struct path_prefix *prefix = bpf_map_lookup_elem(&file_sensitive, &index);
	__u32 length, star, at;

	if (!work || !prefix)
		return 0;
	length = prefix->length;
	star = prefix->star;
	at = work->position;
	if (length == 0 || length >= PREFIX_SIZE || star > length || at > PATH_BASE_END + 1)
		return 0;
	if (star == 0)
		return sensitive_rest_matches(index, at, 0);
	if (!prefix_bytes_equal(work, prefix, at, 0, star))
		return 0;
	if (star == length)
		return 1;
	return sensitive_rest_matches(index, component_end(at + star), star);
}

/* Returns false if no sensitive-read entry can match, judged by the path's second byte. */
static __always_inline bool second_byte_may_match(struct path_work *work,
						  struct file_config *config)
{
	__u32 at = work->position;
	__u8 second;

	if (at > PATH_BASE_END + 1 || work->buf[at] != '/')
		return true;
	second = work->buf[(at + 1) & WORK_INDEX_MASK];
	return (config->sensitive_second[(second >> 6) & 3] >> (second & 63)) & 1;
}

/*
 * Returns 1 if the path in the work area matches the sensitive-read list. A path that the
 * kernel cannot compare (cut, relative to an unknown base, or in need of normalising) returns
 * undecided instead. A global function, so the verifier checks it once.
 */
__noinline int operand_sensitive(int bits, int undecided)
{
	struct path_work *work = work_area();
	struct file_config *config;
	__u32 zero = 0, i;

	config = bpf_map_lookup_elem(&file_config, &zero);
	if (!work || !config)
		return 1;
	if ((bits & (FILE_PATH_UNRESOLVED | FILE_PATH_TRUNCATED)) || !path_is_plain(work))
		return undecided;
	if (!second_byte_may_match(work, config))
		return 0;
	for (i = 0; i < PREFIX_COUNT_LIMIT; i++) {
		if (i >= config->sensitive_count)
			break;
		if (sensitive_matches(i))
			return 1;
	}
	return 0;
}

/*
 * Returns 1 if the path in the work area passes the prefix filters. A path that would need
 * normalising passes, and so does a path whose base is unknown or whose outer components are
 * missing. User space applies the filters again after normalising.
 */
__noinline int operand_selected(int bits)
{
	struct path_work *work = work_area();
	struct file_config *config;
	__u32 zero = 0;

	config = bpf_map_lookup_elem(&file_config, &zero);
	if (!work || !config)
		return 1;
	if (config->include_count == 0 && config->exclude_count == 0)
		return 1;
	if ((bits & (FILE_PATH_UNRESOLVED | FILE_PATH_TRUNCATED)) || !path_is_plain(work))
		return 1;
	if (config->include_count > 0 && !any_prefix_matches(0, config->include_count))
		return 0;
	return !any_prefix_matches(1, config->exclude_count);
}

/*
 * Copies the path of the work area into the record's data at offset, cutting its outer part to
 * PATH_MAX_SIZE bytes and then setting truncated_bit in record_flags. Returns the bytes copied
 * including the NUL, or 0 on failure.
 */
__noinline int store_operand(__u32 offset, __u32 truncated_bit)
{
	struct path_work *work = work_area();
	struct file_record *record = record_area();
	__u32 position, end, size;

	if (!work || !record || offset >= PATH_MAX_SIZE)
		return 0;
	position = work->position;
	end = work->end;
	if (end < position || end >= PATH_WORK_SIZE)
		return 0;
	size = end - position + 1;
	if (size > PATH_MAX_SIZE) {
		position = end + 1 - PATH_MAX_SIZE;
		size = PATH_MAX_SIZE;
		record->record_flags |= truncated_bit;
	}
	/* the masks keep the values and give the verifier bounds within data */
	barrier_var(offset);
	barrier_var(size);
	if (bpf_probe_read_kernel(&record->data[offset & PATH_SIZE_MASK],
				  ((size - 1) & PATH_SIZE_MASK) + 1, &work->buf[position]) < 0)
		return 0;
	return size;
}

/*
 * Applies the filters to the operand built in the work area. Returns OPERAND_* bits, and sets
 * the operand's bits of record_flags.
 */
static __always_inline int classify_operand(struct file_record *record, int bits,
					    __u32 truncated_bit, __u32 unresolved_bit,
					    int sensitive_check)
{
	int outcome = operand_selected(bits) ? OPERAND_SELECTED : 0;

	if (sensitive_check != SENSITIVE_SKIP &&
	    operand_sensitive(bits, sensitive_check == SENSITIVE_LENIENT))
		outcome |= OPERAND_SENSITIVE;
	if (bits & FILE_PATH_TRUNCATED)
		record->record_flags |= truncated_bit;
	if (bits & FILE_PATH_UNRESOLVED)
		record->record_flags |= unresolved_bit;
	return outcome;
}

/*
 * Applies the filters to the operand built in the work area and stores it at offset in the
 * record's data. Returns OPERAND_* bits, and sets its size and its bits of record_flags.
 */
static __always_inline int finish_operand(struct file_record *record, int bits, __u32 offset,
					  __u32 *size, __u32 truncated_bit, __u32 unresolved_bit,
					  int sensitive_check)
{
	int outcome = classify_operand(record, bits, truncated_bit, unresolved_bit,
				       sensitive_check);

	*size = store_operand(offset, truncated_bit);
	return outcome;
}

/*
 * Stores the operands as the syscall named them, path first and then target. Returns the
 * OPERAND_* bits of either operand.
 */
static __always_inline int add_operands(struct file_record *record, struct pending *op)
{
	__u32 path_size = 0, target_size = 0;
	int outcome, bits;

	bits = build_operand(op->path_kind, op->path_fd, op->path);
	outcome = classify_operand(record, bits, FILE_PATH_TRUNCATED, FILE_PATH_UNRESOLVED,
				   op->read_only ? SENSITIVE_LENIENT : SENSITIVE_SKIP);
	/* a read-only open is sent only for a sensitive path, so another one is not copied */
	if (op->read_only && !(outcome & OPERAND_SENSITIVE))
		return outcome;
	path_size = store_operand(0, FILE_PATH_TRUNCATED);
	if (op->target_kind != OPERAND_NONE) {
		bits = build_operand(op->target_kind, op->target_fd, op->target);
		outcome |= finish_operand(record, bits, path_size, &target_size,
					  FILE_TARGET_TRUNCATED, FILE_TARGET_UNRESOLVED,
					  SENSITIVE_SKIP);
	}
	record->path_size = path_size;
	record->target_size = target_size;
	return outcome;
}

/*
 * Stores the path of the file that a successful open returned as fd, with symbolic links and
 * "." and ".." resolved by the kernel, and the path as given in the target's place. The
 * opened file's path decides a sensitive read, and so does the path as given when it matches
 * the list without normalising. Returns -1, with nothing stored, if the fd is already closed or the file has no
 * path in the task's mount namespace: the caller then stores the operands as given.
 */
static __always_inline int add_opened_file(struct file_record *record, struct pending *op,
					   struct task_struct *task, long fd)
{
	__u32 path_size = 0, target_size = 0;
	int outcome, bits;

	if (fd > 0x7FFFFFFF || !task_file(task, fd))
		return -1;
	bits = build_operand(OPERAND_FD, fd, 0);
	if (bits & OPERAND_DETACHED)
		return -1;
	record->record_flags |= FILE_PATH_RESOLVED;
	outcome = finish_operand(record, bits, 0, &path_size, FILE_PATH_TRUNCATED,
				 FILE_PATH_UNRESOLVED,
				 op->read_only ? SENSITIVE_LENIENT : SENSITIVE_SKIP);
	bits = build_operand(op->path_kind, op->path_fd, op->path);
	outcome |= finish_operand(record, bits, path_size, &target_size, FILE_TARGET_TRUNCATED,
				  FILE_TARGET_UNRESOLVED,
				  op->read_only ? SENSITIVE_STRICT : SENSITIVE_SKIP);
	record->path_size = path_size;
	record->target_size = target_size;
	return outcome;
}

static __always_inline void fill_header(struct record_header *header, struct task_struct *task)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u64 uid_gid = bpf_get_current_uid_gid();

	header->boot_ns = bpf_ktime_get_boot_ns();
	header->cgroup_id = bpf_get_current_cgroup_id();
	header->kind = RECORD_FILE;
	header->pid = pid_tgid >> 32;
	header->tid = (__u32)pid_tgid;
	header->ppid = BPF_CORE_READ(task, real_parent, tgid);
	header->uid = (__u32)uid_gid;
	header->gid = uid_gid >> 32;
	bpf_get_current_comm(header->comm, sizeof(header->comm));
}

static __always_inline void read_cgroup_names(struct file_record *record,
					      struct task_struct *task)
{
	struct kernfs_node *leaf = BPF_CORE_READ(task, cgroups, dfl_cgrp, kn);
	struct kernfs_node *parent;

	record->cgroup_leaf[0] = 0;
	record->cgroup_parent[0] = 0;
	if (!leaf) {
		count_drop(DROP_CGROUP_READ);
		return;
	}
	if (bpf_probe_read_kernel_str(record->cgroup_leaf, sizeof(record->cgroup_leaf),
				      BPF_CORE_READ(leaf, name)) < 0)
		count_drop(DROP_CGROUP_READ);

	/* the root cgroup has no parent */
	parent = kernfs_parent(leaf);
	if (parent && bpf_probe_read_kernel_str(record->cgroup_parent,
						sizeof(record->cgroup_parent),
						BPF_CORE_READ(parent, name)) < 0)
		count_drop(DROP_CGROUP_READ);
}

/*
 * Fills the verdict key of a successful open and the state of the opened dentry. Returns false
 * if the path as given is not absolute or does not fit in the key, or the file is not found.
 * The generations are read first. A rename or mount move counts at its enter and again when it
 * returns, so one that overlaps the walks makes the stored verdict stale.
 */
static __always_inline bool read_verdict_key(struct read_key *key, struct read_verdict *now,
					     struct task_struct *task, long fd, __u64 given)
{
	struct dentry *dentry;
	struct file *file;
	long length;

	now->renames = generation(GENERATION_RENAMES);
	now->config = generation(GENERATION_CONFIG);
	__builtin_memset(key, 0, sizeof(*key));
	length = bpf_probe_read_user_str(key->path, sizeof(key->path), (void *)given);
	if (length <= 1 || length >= (long)sizeof(key->path) || key->path[0] != '/')
		return false;
	file = task_file(task, fd);
	if (!file)
		return false;
	dentry = BPF_CORE_READ(file, f_path.dentry);
	key->dentry = (__u64)dentry;
	key->vfsmount = (__u64)BPF_CORE_READ(file, f_path.mnt);
	key->root_dentry = (__u64)BPF_CORE_READ(task, fs, root.dentry);
	key->root_vfsmount = (__u64)BPF_CORE_READ(task, fs, root.mnt);
	now->inode = (__u64)BPF_CORE_READ(dentry, d_inode);
	now->parent = (__u64)BPF_CORE_READ(dentry, d_parent);
	now->name_hash_len = BPF_CORE_READ(dentry, d_name.hash_len);
	return key->dentry != 0;
}

/* Returns whether an open of the key was dropped under the same state before. */
static __always_inline bool dropped_before(struct read_key *key, struct read_verdict *now)
{
	struct read_verdict *known = bpf_map_lookup_elem(&file_read_verdicts, key);

	return known && known->inode == now->inode && known->parent == now->parent &&
	       known->name_hash_len == now->name_hash_len && known->renames == now->renames &&
	       known->config == now->config;
}

/* Sends the record of the operation that syscall nr of this thread kept, now that it returned ret. */
static __always_inline int finish_operation(long nr, long ret)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct read_verdict verdict;
	struct file_record *record;
	struct pending *found, op;
	struct read_key key;
	bool cacheable = false;
	int outcome;
	__u64 size;

	/* the arguments that the enter program kept */
	found = bpf_map_lookup_elem(&file_pending, &tid);
	if (!found)
		return 0;
	op = *found;
	bpf_map_delete_elem(&file_pending, &tid);
	if (op.syscall_nr != nr)
		return 0;

	/* a read-only open of a file that was dropped before, under the same state */
	if (op.read_only && op.path_kind == OPERAND_NAME && ret >= 0 &&
	    ret <= 0x7FFFFFFF) {
		cacheable = read_verdict_key(&key, &verdict, task, ret, op.path);
		if (cacheable && dropped_before(&key, &verdict))
			return 0;
	}
	record = record_area();
	if (!record)
		return 0;

	/* arguments */
	record->operation = op.operation;
	record->flags = op.flags;
	record->mode = op.mode;
	record->owner_uid = op.owner_uid;
	record->owner_gid = op.owner_gid;
	record->result = ret;
	record->record_flags = op.in_container ? FILE_IN_CONTAINER : 0;

	/*
	 * the paths: the event is sent if one of them passes the prefix filters and, for a
	 * read-only open under write_opens_only, one of them is in the sensitive-read list
	 */
	outcome = -1;
	if (op.operation == FILE_OP_OPEN && ret >= 0)
		outcome = add_opened_file(record, &op, task, ret);
	if (outcome < 0)
		outcome = add_operands(record, &op);
	if (!(outcome & OPERAND_SELECTED) ||
	    (op.read_only && !(outcome & OPERAND_SENSITIVE))) {
		if (cacheable)
			bpf_map_update_elem(&file_read_verdicts, &key, &verdict, BPF_ANY);
		return 0;
	}

	/* task and cgroup */
	fill_header(&record->header, task);
	read_cgroup_names(record, task);

	/* send the fixed part and the paths; the mask keeps the value but bounds it */
	size = record->path_size + record->target_size;
	barrier_var(size);
	size = offsetof(struct file_record, data) + (size & (RECORD_DATA_SIZE - 1));
	if (bpf_ringbuf_output(&file_events, record, size,
			       tarsier_wakeup_flags(&file_events)) < 0) {
		count_drop(DROP_RINGBUF);
		return 0;
	}
	tarsier_submitted(&file_events);
	return 0;
}

SEC("tracepoint")
int handle_sys_exit(struct trace_event_raw_sys_exit *ctx)
{
	return finish_operation(ctx->id, ctx->ret);
}

/* ---- 32-bit syscalls ---- */

#if defined(__TARGET_ARCH_x86)

/* i386 syscall numbers (arch/x86/entry/syscalls/syscall_32.tbl) */
#define IA32_OPEN 5
#define IA32_CREAT 8
#define IA32_LINK 9
#define IA32_UNLINK 10
#define IA32_MKNOD 14
#define IA32_CHMOD 15
#define IA32_LCHOWN16 16
#define IA32_MOUNT 21
#define IA32_RENAME 38
#define IA32_MKDIR 39
#define IA32_RMDIR 40
#define IA32_SYMLINK 83
#define IA32_TRUNCATE 92
#define IA32_FTRUNCATE 93
#define IA32_FCHMOD 94
#define IA32_FCHOWN16 95
#define IA32_CHOWN16 182
#define IA32_TRUNCATE64 193
#define IA32_FTRUNCATE64 194
#define IA32_LCHOWN 198
#define IA32_FCHOWN 207
#define IA32_CHOWN 212
#define IA32_OPENAT 295
#define IA32_MKDIRAT 296
#define IA32_MKNODAT 297
#define IA32_FCHOWNAT 298
#define IA32_UNLINKAT 301
#define IA32_RENAMEAT 302
#define IA32_LINKAT 303
#define IA32_SYMLINKAT 304
#define IA32_FCHMODAT 306
#define IA32_RENAMEAT2 353
#define IA32_MOVE_MOUNT 429
#define IA32_OPENAT2 437
#define IA32_FCHMODAT2 452

/* A 16-bit owner of the old chown calls, with 0xFFFF (no change) widened to -1. */
static __always_inline __s32 owner16(__u64 id)
{
	return (__u16)id == 0xFFFF ? -1 : (__u16)id;
}

/*
 * Keeps the operation of i386 syscall nr in file_pending, as the enter program of its 64-bit
 * counterpart does. The arguments are 32-bit, so file descriptors are sign-extended for AT_FDCWD.
 */
static __always_inline int remember_ia32(struct trace_event_raw_sys_enter *ctx, long nr)
{
	__u64 *a = (__u64 *)ctx->args;
	struct open_how how = {};
	__u32 in_container;
	long fd0 = (__s32)a[0], fd1 = (__s32)a[1], fd2 = (__s32)a[2];

	switch (nr) {
	case IA32_OPEN:
		return remember_open(ctx, AT_FDCWD, a[0], a[1], a[2]);
	case IA32_OPENAT:
		return remember_open(ctx, fd0, a[1], a[2], a[3]);
	case IA32_OPENAT2:
		if (!task_filter(&in_container))
			return 0;
		if (bpf_probe_read_user(&how, sizeof(how.flags) + sizeof(how.mode), (void *)a[2]))
			return 0;
		return remember_open(ctx, fd0, a[1], how.flags, how.mode);
	case IA32_CREAT:
		return remember_open(ctx, AT_FDCWD, a[0], O_CREAT | O_WRONLY | O_TRUNC, a[1]);
	case IA32_UNLINK:
		return remember_name(ctx, FILE_OP_UNLINK, AT_FDCWD, a[0], 0, 0);
	case IA32_UNLINKAT:
		return remember_name(ctx, a[2] & AT_REMOVEDIR ? FILE_OP_RMDIR : FILE_OP_UNLINK, fd0,
				     a[1], a[2], 0);
	case IA32_RENAME:
		return remember_pair(ctx, FILE_OP_RENAME, AT_FDCWD, a[0], OPERAND_NAME, AT_FDCWD,
				     a[1], 0);
	case IA32_RENAMEAT:
		return remember_pair(ctx, FILE_OP_RENAME, fd0, a[1], OPERAND_NAME, fd2, a[3], 0);
	case IA32_RENAMEAT2:
		return remember_pair(ctx, FILE_OP_RENAME, fd0, a[1], OPERAND_NAME, fd2, a[3], a[4]);
	case IA32_CHMOD:
		return remember_name(ctx, FILE_OP_CHMOD, AT_FDCWD, a[0], 0, a[1] & MODE_BITS);
	case IA32_FCHMOD:
		return remember_fd(ctx, FILE_OP_CHMOD, fd0, a[1] & MODE_BITS, -1, -1);
	case IA32_FCHMODAT:
		return remember_name(ctx, FILE_OP_CHMOD, fd0, a[1], 0, a[2] & MODE_BITS);
	case IA32_FCHMODAT2:
		return remember_name(ctx, FILE_OP_CHMOD, fd0, a[1], a[3], a[2] & MODE_BITS);
	case IA32_CHOWN:
		return remember_chown(ctx, AT_FDCWD, a[0], a[1], a[2], 0);
	case IA32_CHOWN16:
		return remember_chown(ctx, AT_FDCWD, a[0], owner16(a[1]), owner16(a[2]), 0);
	case IA32_LCHOWN:
		return remember_chown(ctx, AT_FDCWD, a[0], a[1], a[2], AT_SYMLINK_NOFOLLOW);
	case IA32_LCHOWN16:
		return remember_chown(ctx, AT_FDCWD, a[0], owner16(a[1]), owner16(a[2]),
				      AT_SYMLINK_NOFOLLOW);
	case IA32_FCHOWN:
		return remember_fd(ctx, FILE_OP_CHOWN, fd0, 0, a[1], a[2]);
	case IA32_FCHOWN16:
		return remember_fd(ctx, FILE_OP_CHOWN, fd0, 0, owner16(a[1]), owner16(a[2]));
	case IA32_FCHOWNAT:
		return remember_chown(ctx, fd0, a[1], a[2], a[3], a[4]);
	case IA32_LINK:
		return remember_pair(ctx, FILE_OP_LINK, AT_FDCWD, a[1], OPERAND_NAME, AT_FDCWD, a[0],
				     0);
	case IA32_LINKAT:
		return remember_pair(ctx, FILE_OP_LINK, fd2, a[3], OPERAND_NAME, fd0, a[1], a[4]);
	case IA32_SYMLINK:
		return remember_pair(ctx, FILE_OP_SYMLINK, AT_FDCWD, a[1], OPERAND_CONTENT, 0, a[0],
				     0);
	case IA32_SYMLINKAT:
		return remember_pair(ctx, FILE_OP_SYMLINK, fd1, a[2], OPERAND_CONTENT, 0, a[0], 0);
	case IA32_MKDIR:
		return remember_name(ctx, FILE_OP_MKDIR, AT_FDCWD, a[0], 0, a[1] & MODE_BITS);
	case IA32_MKDIRAT:
		return remember_name(ctx, FILE_OP_MKDIR, fd0, a[1], 0, a[2] & MODE_BITS);
	case IA32_RMDIR:
		return remember_name(ctx, FILE_OP_RMDIR, AT_FDCWD, a[0], 0, 0);
	case IA32_TRUNCATE:
	case IA32_TRUNCATE64:
		return remember_name(ctx, FILE_OP_TRUNCATE, AT_FDCWD, a[0], 0, 0);
	case IA32_FTRUNCATE:
	case IA32_FTRUNCATE64:
		return remember_fd(ctx, FILE_OP_TRUNCATE, fd0, 0, -1, -1);
	case IA32_MKNOD:
		return remember_name(ctx, FILE_OP_MKNOD, AT_FDCWD, a[0], 0, a[1]);
	case IA32_MKNODAT:
		return remember_name(ctx, FILE_OP_MKNOD, fd0, a[1], 0, a[2]);
	}
	return -1;
}

/*
 * Reports the operations of i386 syscalls from the sys_exit tracepoint, with the arguments still
 * in the saved registers. The kernel fires no syscalls/sys_*_* tracepoint for them
 * (arch_trace_is_compat_syscall in arch/x86/include/asm/ftrace.h). The program runs on every
 * syscall of the host, so it is on the BTF-typed tracepoint, where the ABI check of a 64-bit
 * syscall is one load from Linux 5.11 (current_syscall_abi).
 * NOTE: a rename or mount move of an i386 task invalidates the read verdicts only after it
 * returns, so an open made while it runs can still use a verdict from before it.
 */
SEC("tp_btf/sys_exit")
int BPF_PROG(ia32_sys_exit, struct pt_regs *regs, long ret)
{
	struct trace_event_raw_sys_enter enter = {};
	long nr;

	if (!current_syscall_abi())
		return 0;
	nr = syscall_nr_at_exit_btf(regs);
	enter.id = nr;
	read_syscall_args(regs, 1, (__u64 *)enter.args);
	if (nr == IA32_RENAME || nr == IA32_RENAMEAT || nr == IA32_RENAMEAT2 ||
	    nr == IA32_MOVE_MOUNT || (nr == IA32_MOUNT && (enter.args[3] & MS_MOVE)))
		count_path_move();
	if (remember_ia32(&enter, nr) < 0)
		return 0;
	return finish_operation(nr, ret);
}

#endif /* __TARGET_ARCH_x86 */

char LICENSE[] SEC("license") = "Dual BSD/GPL";
