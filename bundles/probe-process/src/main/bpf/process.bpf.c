// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * Process probe: exec (filename, argv, cwd, cgroup names), fork and clone, and process exit.
 * Attaches to tracepoints and one raw tracepoint only, and uses helpers of Linux 5.8 and older.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

#include "compat.h"
#include "tarsier_ringbuf.h"
#include "process.h"

#define PF_KTHREAD 0x00200000

/* Tunables, set by user space before load. */
const volatile __u32 max_args = 16;
const volatile __u32 max_args_bytes = 1024;

/* Put the record types into the object's BTF, where a test compares them with the Java layouts. */
const struct exec_record *const exec_record_type = 0;
const struct fork_record *const fork_record_type = 0;
const struct exit_record *const exit_record_type = 0;

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 8 * 1024 * 1024);
} process_events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, DROP_REASON_COUNT);
	__type(key, __u32);
	__type(value, __u64);
} process_drops SEC(".maps");

/* Exec records are built here, because they are too large for the stack. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct exec_record);
} process_scratch SEC(".maps");

static __always_inline void count_drop(__u32 reason)
{
	__u64 *count = bpf_map_lookup_elem(&process_drops, &reason);

	if (count)
		*count += 1;
}

static __always_inline void fill_header(struct record_header *header, __u32 kind,
					struct task_struct *task)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u64 uid_gid = bpf_get_current_uid_gid();

	header->boot_ns = bpf_ktime_get_boot_ns();
	header->cgroup_id = bpf_get_current_cgroup_id();
	header->kind = kind;
	header->pid = pid_tgid >> 32;
	header->tid = (__u32)pid_tgid;
	header->ppid = BPF_CORE_READ(task, real_parent, tgid);
	header->uid = (__u32)uid_gid;
	header->gid = uid_gid >> 32;
	bpf_get_current_comm(header->comm, sizeof(header->comm));
}

static __always_inline void read_cgroup_names(struct exec_record *record,
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

static __always_inline void read_args(struct exec_record *record, struct task_struct *task)
{
	unsigned long position = BPF_CORE_READ(task, mm, arg_start);
	unsigned long end = BPF_CORE_READ(task, mm, arg_end);
	__u32 budget = max_args_bytes;
	__u32 offset = 0, count = 0;
	__u32 remaining;
	long length;
	int i;

	if (budget > ARGS_LIMIT)
		budget = ARGS_LIMIT;

	/* read one NUL-terminated argument per turn until a bound is hit */
	for (i = 0; i < ARGS_COUNT_LIMIT; i++) {
		if (i >= max_args || position >= end || offset >= budget)
			break;
		/* 1 to ARGS_LIMIT, computed so that the verifier can bound it */
		remaining = budget - offset - 1;
		barrier_var(remaining);
		remaining = (remaining & (ARGS_LIMIT - 1)) + 1;
		length = bpf_probe_read_user_str(&record->args[offset & (ARGS_LIMIT - 1)],
						 remaining, (void *)position);
		if (length <= 0) {
			count_drop(DROP_ARGV_READ);
			break;
		}
		position += length;
		offset += length;
		count++;
	}

	record->argc = count;
	record->args_size = offset < budget ? offset : budget;
	if (position < end)
		record->flags |= EXEC_ARGV_TRUNCATED;
}

/*
 * Reads the working directory, innermost component first. The running offset and the truncation
 * flag live in the record rather than in registers. The verifier then finds the same state at
 * the loop head on every path and prunes it, so verification stays linear in CWD_MAX_DEPTH.
 */
static __always_inline void read_cwd(struct exec_record *record, struct task_struct *task)
{
	struct fs_struct *fs = BPF_CORE_READ(task, fs);
	struct dentry *root = BPF_CORE_READ(fs, root.dentry);
	struct vfsmount *root_mount = BPF_CORE_READ(fs, root.mnt);
	struct dentry *dentry = BPF_CORE_READ(fs, pwd.dentry);
	struct vfsmount *vfsmount = BPF_CORE_READ(fs, pwd.mnt);
	__u64 mnt_offset = bpf_core_field_offset(struct mount, mnt);
	struct mount *mount, *mount_parent;
	struct dentry *parent, *mount_root;
	const unsigned char *name;
	__u32 offset;
	long length;
	int i;

	record->cwd_size = 0;
	record->flags |= EXEC_CWD_TRUNCATED;

	/* walk from the working directory up to the task's root, crossing mount points */
	for (i = 0; i < CWD_MAX_DEPTH; i++) {
		if (dentry == root && vfsmount == root_mount) {
			record->flags &= ~EXEC_CWD_TRUNCATED;
			break;
		}
		mount_root = BPF_CORE_READ(vfsmount, mnt_root);
		parent = BPF_CORE_READ(dentry, d_parent);
		if (dentry == mount_root || dentry == parent) {
			mount = (void *)vfsmount - mnt_offset;
			mount_parent = BPF_CORE_READ(mount, mnt_parent);
			if (mount == mount_parent) {
				/* the root of the mount namespace, above the task's root */
				record->flags &= ~EXEC_CWD_TRUNCATED;
				break;
			}
			dentry = BPF_CORE_READ(mount, mnt_mountpoint);
			vfsmount = (void *)mount_parent + mnt_offset;
			continue;
		}
		offset = record->cwd_size;
		if (offset >= CWD_START_LIMIT)
			break;
		name = BPF_CORE_READ(dentry, d_name.name);
		length = bpf_probe_read_kernel_str(&record->cwd[offset & (CWD_START_LIMIT - 1)],
						   CWD_NAME_SIZE, name);
		if (length <= 0) {
			count_drop(DROP_CWD_READ);
			break;
		}
		record->cwd_size = offset + length;
		dentry = parent;
	}
}

SEC("tracepoint/sched/sched_process_exec")
int handle_exec(struct trace_event_raw_sched_process_exec *ctx)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	unsigned int filename_offset = ctx->__data_loc_filename & 0xFFFF;
	struct exec_record *record;
	__u32 zero = 0, args_size;
	__u64 size;
	long length;

	record = bpf_map_lookup_elem(&process_scratch, &zero);
	if (!record)
		return 0;

	/* task and cgroup */
	fill_header(&record->header, RECORD_EXEC, task);
	record->flags = 0;
	read_cgroup_names(record, task);

	/* executed file, as passed to execve */
	length = bpf_probe_read_kernel_str(record->filename, sizeof(record->filename),
					   (void *)ctx + filename_offset);
	if (length < 0) {
		record->filename[0] = 0;
		count_drop(DROP_FILENAME_READ);
	} else if (length == sizeof(record->filename)) {
		record->flags |= EXEC_FILENAME_TRUNCATED;
	}

	read_cwd(record, task);
	read_args(record, task);

	/*
	 * send the fixed part and the arguments actually read. The mask keeps the value but gives
	 * the verifier a bound. The barrier stops clang from proving the mask redundant.
	 */
	args_size = record->args_size;
	barrier_var(args_size);
	size = offsetof(struct exec_record, args) + (args_size & (ARGS_BUFFER_SIZE - 1));
	if (bpf_ringbuf_output(&process_events, record, size,
			       tarsier_wakeup_flags(&process_events)) < 0) {
		count_drop(DROP_RINGBUF);
		return 0;
	}
	tarsier_submitted(&process_events);
	return 0;
}

SEC("raw_tracepoint/sched_process_fork")
int handle_fork(struct bpf_raw_tracepoint_args *ctx)
{
	struct task_struct *parent = (struct task_struct *)ctx->args[0];
	struct task_struct *child = (struct task_struct *)ctx->args[1];
	struct fork_record *record;

	if (BPF_CORE_READ(parent, flags) & PF_KTHREAD)
		return 0;

	record = bpf_ringbuf_reserve(&process_events, sizeof(*record), 0);
	if (!record) {
		count_drop(DROP_RINGBUF);
		return 0;
	}
	fill_header(&record->header, RECORD_FORK, parent);
	record->child_pid = BPF_CORE_READ(child, tgid);
	record->child_tid = BPF_CORE_READ(child, pid);
	bpf_ringbuf_submit(record, tarsier_wakeup_flags(&process_events));
	tarsier_submitted(&process_events);
	return 0;
}

SEC("tracepoint/sched/sched_process_exit")
int handle_exit(void *ctx)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	struct exit_record *record;
	__u64 start;

	/* only the last thread of a user process */
	if (BPF_CORE_READ(task, flags) & PF_KTHREAD)
		return 0;
	if (!exit_is_group_dead(ctx, task))
		return 0;

	record = bpf_ringbuf_reserve(&process_events, sizeof(*record), 0);
	if (!record) {
		count_drop(DROP_RINGBUF);
		return 0;
	}
	fill_header(&record->header, RECORD_EXIT, task);
	record->exit_status = BPF_CORE_READ(task, exit_code);
	record->reserved = 0;
	start = BPF_CORE_READ(task, group_leader, start_boottime);
	record->lifetime_ns = record->header.boot_ns - start;
	bpf_ringbuf_submit(record, tarsier_wakeup_flags(&process_events));
	tarsier_submitted(&process_events);
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
