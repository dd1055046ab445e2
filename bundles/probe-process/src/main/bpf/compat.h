/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Differences between kernel versions that process.bpf.c handles with CO-RE. vmlinux.h comes
 * from the build machine's kernel; the "___old" flavors describe fields that other kernels have.
 */
#ifndef TARSIER_COMPAT_H
#define TARSIER_COMPAT_H

#include "vmlinux.h"
#include <bpf/bpf_core_read.h>

/* Linux 6.15 renamed kernfs_node::parent to __parent when it became RCU-protected. */
struct kernfs_node___old {
	struct kernfs_node *parent;
} __attribute__((preserve_access_index));

struct kernfs_node___new {
	struct kernfs_node *__parent;
} __attribute__((preserve_access_index));

static __always_inline struct kernfs_node *kernfs_parent(struct kernfs_node *kn)
{
	if (bpf_core_field_exists(struct kernfs_node___new, __parent))
		return BPF_CORE_READ((struct kernfs_node___new *)kn, __parent);
	return BPF_CORE_READ((struct kernfs_node___old *)kn, parent);
}

/*
 * Newer kernels pass group_dead to the sched_process_exit tracepoint (6.18 has it). Older ones
 * do not; there the signal struct's live count has dropped to zero in the last exiting thread.
 * NOTE: that fallback can report one exit twice when two threads of a process exit at once,
 * because both may read the count after it reached zero.
 */
struct trace_event_raw_sched_process_exit___new {
	bool group_dead;
} __attribute__((preserve_access_index));

static __always_inline bool exit_is_group_dead(void *ctx, struct task_struct *task)
{
	struct trace_event_raw_sched_process_exit___new *args = ctx;

	if (bpf_core_field_exists(args->group_dead))
		return args->group_dead;
	return BPF_CORE_READ(task, signal, live.counter) == 0;
}

#endif /* TARSIER_COMPAT_H */
