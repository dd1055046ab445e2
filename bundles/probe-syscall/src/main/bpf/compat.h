/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Differences between kernel versions and architectures that syscall.bpf.c handles. vmlinux.h
 * comes from the build machine's kernel. The "___old" and "___new" flavors describe fields of
 * other kernel versions, and CO-RE picks the one that the running kernel has. Architectures
 * differ at compile time, by __TARGET_ARCH_*.
 */
#ifndef TARSIER_SYSCALL_COMPAT_H
#define TARSIER_SYSCALL_COMPAT_H

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

#include "tarsier_syscall_abi.h"

/* Nesting level of the task's PID namespace: 0 for the initial namespace. */
static __always_inline __u32 pid_namespace_level(struct task_struct *task)
{
	return BPF_CORE_READ(task, thread_pid, level);
}

#endif /* TARSIER_SYSCALL_COMPAT_H */
