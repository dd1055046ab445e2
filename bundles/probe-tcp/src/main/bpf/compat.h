/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Differences between kernel versions that tcp.bpf.c handles with CO-RE. vmlinux.h comes from
 * the build machine's kernel; the "___old" flavors describe fields that other kernels have.
 */
#ifndef TARSIER_TCP_COMPAT_H
#define TARSIER_TCP_COMPAT_H

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
 * Linux 5.15 (commit 8520e224f547, "bpf, cgroups: Fix cgroup v2 fallback on v1/v2 mixed mode")
 * gave sock_cgroup_data its own cgroup pointer. Before, one 64-bit value contained either the
 * pointer or, once net_cls or net_prio of cgroup v1 were configured, a class id and priority
 * index. Bits 0 and 1 then flag data without a pointer, and the kernel falls back to the root
 * cgroup.
 */
struct sock_cgroup_data___old {
	__u64 val;
} __attribute__((preserve_access_index));

struct sock_cgroup_data___new {
	struct cgroup *cgroup;
} __attribute__((preserve_access_index));

struct sock___old {
	struct sock_cgroup_data___old sk_cgrp_data;
} __attribute__((preserve_access_index));

struct sock___new {
	struct sock_cgroup_data___new sk_cgrp_data;
} __attribute__((preserve_access_index));

/*
 * Returns the cgroup v2 cgroup that created the socket, or NULL when the kernel has none, also
 * on kernels built without CONFIG_SOCK_CGROUP_DATA.
 */
static __always_inline struct cgroup *sock_cgroup(struct sock *sk)
{
	struct sock___new *new_sk = (struct sock___new *)sk;
	struct sock___old *old_sk = (struct sock___old *)sk;
	__u64 value;

	if (bpf_core_field_exists(new_sk->sk_cgrp_data.cgroup))
		return BPF_CORE_READ(new_sk, sk_cgrp_data.cgroup);
	if (!bpf_core_field_exists(old_sk->sk_cgrp_data.val))
		return NULL;
	value = BPF_CORE_READ(old_sk, sk_cgrp_data.val);
	if (value & 3)
		return NULL;
	return (struct cgroup *)value;
}

#endif /* TARSIER_TCP_COMPAT_H */
