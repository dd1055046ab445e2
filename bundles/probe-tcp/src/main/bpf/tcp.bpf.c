// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * TCP probe: connect with its result, accept, listen, close with byte counts and duration, and
 * optionally every state change, for IPv4 and IPv6.
 *
 * Every event comes from sock/inet_sock_set_state (Linux 4.16), except connect failures that
 * happen inside connect(2) before the handshake starts, which syscalls/sys_exit_connect reports.
 * State changes often run in softirq context, where the current task is whichever task the
 * interrupt hit. Records are therefore attributed to the socket's owner, remembered per socket
 * when the kernel runs in the owner's context: on the way to SYN_SENT (connect) and LISTEN
 * (listen), and in accept(2). A socket created by a listener inherits the listener's owner.
 *
 * Attaches to tracepoints only and uses helpers of Linux 5.8 and older.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

#include "compat.h"
#include "tarsier_ringbuf.h"
#include "tcp.h"

#define AF_INET 2
#define AF_INET6 10
#define SOCK_STREAM 1
#define S_IFMT 00170000
#define S_IFSOCK 0140000

#define ECONNABORTED 103
#define EALREADY 114
#define EINPROGRESS 115
#define EISCONN 106

/* Bits of sock_owner.flags and cgroup_info.flags. */
#define OWNER_IN_CONTAINER (1U << 0)
/* The socket connects: its SYN_RECV to ESTABLISHED change is a simultaneous open, not an accept. */
#define OWNER_ACTIVE (1U << 1)

/* Bits of connect_call.flags. */
#define CALL_SAW_SYN_SENT (1U << 0)
#define CALL_CLOSED_WITHOUT_ERROR (1U << 1)

/* Put the record types into the object's BTF, where a test compares them with the Java layouts. */
const struct tcp_record *const tcp_record_type = 0;
const struct tcp_settings *const tcp_settings_type = 0;

/* The task that owns a socket, taken in that task's context. */
struct sock_owner {
	__u64 cgroup_id;
	__u64 start_ns;			/* boot time of SYN_SENT or child creation; 0 if unknown */
	__u32 pid;
	__u32 tid;
	__u32 ppid;
	__u32 uid;
	__u32 gid;
	__u32 flags;			/* OWNER_* bits */
	char comm[TASK_COMM_SIZE];
};

/* Names of a cgroup, and whether the first task seen in it ran in a container. */
struct cgroup_info {
	__u32 flags;			/* OWNER_IN_CONTAINER */
	__u32 reserved;
	char parent[CGROUP_NAME_SIZE];
	char leaf[CGROUP_NAME_SIZE];
};

/* Listening socket of a port in a network namespace. */
struct listener_key {
	__u32 netns;			/* inode number of the network namespace */
	__u16 port;
	__u16 family;
};

/* A connect(2) in progress on a TCP socket, keyed by thread id. */
struct connect_call {
	__u64 sock;
	__u32 flags;			/* CALL_* bits */
	__u16 family;			/* of the requested address */
	__u16 port;			/* requested port, host byte order */
	__u8 address[ADDRESS_SIZE];	/* requested address, network byte order */
};

/* Both socket address layouts of connect(2), as user space passes them. */
struct socket_address {
	__u16 family;
	__u16 port;			/* network byte order */
	union {
		struct {
			__u8 address[4];
		} v4;
		struct {
			__u32 flowinfo;
			__u8 address[ADDRESS_SIZE];
		} v6;
	};
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4 * 1024 * 1024);
} tcp_events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, DROP_REASON_COUNT);
	__type(key, __u32);
	__type(value, __u64);
} tcp_drops SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct tcp_settings);
} tcp_config SEC(".maps");

/* User space may change max_entries before load. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 65536);
	__type(key, __u64);		/* struct sock address */
	__type(value, struct sock_owner);
} tcp_owners SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, __u64);		/* cgroup v2 id */
	__type(value, struct cgroup_info);
} tcp_cgroups SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 8192);
	__type(key, struct listener_key);
	__type(value, __u64);		/* struct sock address of the listener */
} tcp_listeners SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 8192);
	__type(key, __u32);		/* thread id */
	__type(value, struct connect_call);
} tcp_connects SEC(".maps");

/* Cgroup names are read here, because they are too large for the stack. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct cgroup_info);
} tcp_scratch SEC(".maps");

/* Fields of a record other than those of the socket's owner. */
struct record_source {
	struct sock *sk;
	__u32 kind;
	__s32 result;
	__u32 flags;			/* RECORD_* bits */
	__u16 family;
	__u16 local_port;
	__u16 remote_port;
	__u8 old_state;
	__u8 new_state;
	__u8 local_address[ADDRESS_SIZE];
	__u8 remote_address[ADDRESS_SIZE];
	__u64 now;
};

static __always_inline void count_drop(__u32 reason)
{
	__u64 *count = bpf_map_lookup_elem(&tcp_drops, &reason);

	if (count)
		*count += 1;
}

static __always_inline struct tcp_settings *settings(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&tcp_config, &zero);
}

static __always_inline void read_cgroup_names(struct cgroup_info *info, struct kernfs_node *leaf)
{
	struct kernfs_node *parent;

	info->parent[0] = 0;
	info->leaf[0] = 0;
	if (!leaf)
		return;
	bpf_probe_read_kernel_str(info->leaf, sizeof(info->leaf), BPF_CORE_READ(leaf, name));
	/* the root cgroup has no parent */
	parent = kernfs_parent(leaf);
	if (parent)
		bpf_probe_read_kernel_str(info->parent, sizeof(info->parent),
					  BPF_CORE_READ(parent, name));
}

/* Remembers the names of the current task's cgroup the first time a socket owner is in it. */
static __always_inline void learn_cgroup(__u64 cgroup_id, struct task_struct *task, __u32 flags)
{
	struct cgroup_info *info;
	__u32 zero = 0;

	if (bpf_map_lookup_elem(&tcp_cgroups, &cgroup_id))
		return;
	info = bpf_map_lookup_elem(&tcp_scratch, &zero);
	if (!info)
		return;
	info->flags = flags;
	info->reserved = 0;
	read_cgroup_names(info, BPF_CORE_READ(task, cgroups, dfl_cgrp, kn));
	bpf_map_update_elem(&tcp_cgroups, &cgroup_id, info, BPF_NOEXIST);
}

/* Describes the current task as a socket owner; only valid in the owner's context. */
static __always_inline void current_owner(struct sock_owner *owner, __u64 start_ns, __u32 flags)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u64 uid_gid = bpf_get_current_uid_gid();

	owner->cgroup_id = bpf_get_current_cgroup_id();
	owner->start_ns = start_ns;
	owner->pid = pid_tgid >> 32;
	owner->tid = (__u32)pid_tgid;
	owner->ppid = BPF_CORE_READ(task, real_parent, tgid);
	owner->uid = (__u32)uid_gid;
	owner->gid = uid_gid >> 32;
	/* a task outside the initial PID namespace runs in a container */
	owner->flags = flags;
	if (BPF_CORE_READ(task, thread_pid, level) > 0)
		owner->flags |= OWNER_IN_CONTAINER;
	bpf_get_current_comm(owner->comm, sizeof(owner->comm));
	learn_cgroup(owner->cgroup_id, task, owner->flags & OWNER_IN_CONTAINER);
}

static __always_inline __u32 netns_of(struct sock *sk)
{
	return BPF_CORE_READ(sk, __sk_common.skc_net.net, ns.inum);
}

static __always_inline void remember_listener(struct sock *sk, __u16 family, __u16 port)
{
	struct listener_key key = { .netns = netns_of(sk), .port = port, .family = family };
	__u64 listener = (__u64)sk;

	bpf_map_update_elem(&tcp_listeners, &key, &listener, BPF_ANY);
}

static __always_inline void forget_listener(struct sock *sk, __u16 family, __u16 port)
{
	struct listener_key key = { .netns = netns_of(sk), .port = port, .family = family };
	__u64 *listener = bpf_map_lookup_elem(&tcp_listeners, &key);

	if (listener && *listener == (__u64)sk)
		bpf_map_delete_elem(&tcp_listeners, &key);
}

/* Gives a socket that a listener created the listener's owner. */
static __always_inline void inherit_listener_owner(struct sock *child, __u16 family, __u16 port,
						   __u64 now)
{
	struct listener_key key = { .netns = netns_of(child), .port = port, .family = family };
	struct sock_owner owner;
	struct sock_owner *listener_owner;
	__u64 *listener, child_key = (__u64)child;

	listener = bpf_map_lookup_elem(&tcp_listeners, &key);
	if (!listener)
		return;
	listener_owner = bpf_map_lookup_elem(&tcp_owners, listener);
	if (!listener_owner)
		return;
	owner = *listener_owner;
	owner.start_ns = now;
	owner.flags &= ~OWNER_ACTIVE;
	bpf_map_update_elem(&tcp_owners, &child_key, &owner, BPF_ANY);
}

/* Returns the connect(2) of the current thread if it is in progress on this socket. */
static __always_inline struct connect_call *connect_in_progress(struct sock *sk)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct connect_call *call = bpf_map_lookup_elem(&tcp_connects, &tid);

	if (call && call->sock == (__u64)sk)
		return call;
	return NULL;
}

/* Returns the socket behind a file descriptor of the current task if it is a TCP socket. */
static __always_inline struct sock *tcp_sock_of_fd(long fd)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	struct fdtable *fdt = BPF_CORE_READ(task, files, fdt);
	struct file **files;
	struct file *file = NULL;
	struct socket *socket;
	struct sock *sk;
	__u16 family;

	if (fd < 0 || fd >= BPF_CORE_READ(fdt, max_fds))
		return NULL;
	files = BPF_CORE_READ(fdt, fd);
	if (bpf_probe_read_kernel(&file, sizeof(file), &files[fd]) < 0 || !file)
		return NULL;
	if ((BPF_CORE_READ(file, f_inode, i_mode) & S_IFMT) != S_IFSOCK)
		return NULL;
	socket = BPF_CORE_READ(file, private_data);
	sk = BPF_CORE_READ(socket, sk);
	if (!sk)
		return NULL;
	family = BPF_CORE_READ(sk, __sk_common.skc_family);
	if (family != AF_INET && family != AF_INET6)
		return NULL;
	/* sk_protocol and sk_type are plain fields since Linux 5.6 */
	if (BPF_CORE_READ(sk, sk_protocol) != IPPROTO_TCP || BPF_CORE_READ(sk, sk_type) != SOCK_STREAM)
		return NULL;
	return sk;
}

/* Whether a record passes the host filter; user space filters records the kernel cannot. */
static __always_inline bool passes_filter(struct tcp_settings *config, __u32 owner_flags,
					  __u32 record_flags)
{
	return config->host || (record_flags & RECORD_CONTAINER_UNKNOWN) ||
	       (owner_flags & OWNER_IN_CONTAINER);
}

/* Fills the cgroup path from the names learned for the cgroup, else from the socket's cgroup. */
static __always_inline void fill_cgroup_names(struct tcp_record *record, struct sock *sk)
{
	__u64 cgroup_id = record->header.cgroup_id;
	struct cgroup_info *info = bpf_map_lookup_elem(&tcp_cgroups, &cgroup_id);
	struct cgroup *cgroup = sock_cgroup(sk);
	struct kernfs_node *kn;
	struct kernfs_node *parent;

	record->cgroup_parent[0] = 0;
	record->cgroup_leaf[0] = 0;
	if (info) {
		bpf_probe_read_kernel(record->cgroup_parent, sizeof(record->cgroup_parent),
				      info->parent);
		bpf_probe_read_kernel(record->cgroup_leaf, sizeof(record->cgroup_leaf), info->leaf);
		return;
	}
	kn = BPF_CORE_READ(cgroup, kn);
	if (!kn || BPF_CORE_READ(kn, id) != cgroup_id) {
		count_drop(DROP_CGROUP_MISSING);
		return;
	}
	bpf_probe_read_kernel_str(record->cgroup_leaf, sizeof(record->cgroup_leaf),
				  BPF_CORE_READ(kn, name));
	parent = kernfs_parent(kn);
	if (parent)
		bpf_probe_read_kernel_str(record->cgroup_parent, sizeof(record->cgroup_parent),
					  BPF_CORE_READ(parent, name));
}

/*
 * Sends one record. Without an owner, the record names the socket's cgroup and no task. The
 * container verdict then comes from what was learned about that cgroup, or else from user space.
 */
static __always_inline void send_record(struct record_source *source, struct sock_owner *owner,
					struct tcp_settings *config)
{
	struct tcp_record *record;
	struct cgroup_info *info;
	struct cgroup *cgroup;
	__u64 cgroup_id = 0;
	__u32 owner_flags = 0;
	__u32 flags = source->flags;
	struct tcp_sock *tp;

	/* container or host */
	if (owner) {
		cgroup_id = owner->cgroup_id;
		owner_flags = owner->flags;
	} else {
		flags |= RECORD_OWNER_UNKNOWN;
		cgroup = sock_cgroup(source->sk);
		cgroup_id = BPF_CORE_READ(cgroup, kn, id);
		info = cgroup_id ? bpf_map_lookup_elem(&tcp_cgroups, &cgroup_id) : NULL;
		if (info)
			owner_flags = info->flags;
		else
			flags |= RECORD_CONTAINER_UNKNOWN;
	}
	if (!passes_filter(config, owner_flags, flags))
		return;
	if (!owner)
		count_drop(DROP_OWNER_MISSING);

	record = bpf_ringbuf_reserve(&tcp_events, sizeof(*record), 0);
	if (!record) {
		count_drop(DROP_RINGBUF);
		return;
	}

	/* owner */
	record->header.boot_ns = source->now;
	record->header.cgroup_id = cgroup_id;
	record->header.kind = source->kind;
	if (owner) {
		record->header.pid = owner->pid;
		record->header.tid = owner->tid;
		record->header.ppid = owner->ppid;
		record->header.uid = owner->uid;
		record->header.gid = owner->gid;
		__builtin_memcpy(record->header.comm, owner->comm, sizeof(record->header.comm));
	} else {
		record->header.pid = 0;
		record->header.tid = 0;
		record->header.ppid = 0;
		record->header.uid = 0;
		record->header.gid = 0;
		__builtin_memset(record->header.comm, 0, sizeof(record->header.comm));
	}
	fill_cgroup_names(record, source->sk);

	/* connection */
	record->result = source->result;
	record->flags = flags;
	record->family = source->family;
	record->local_port = source->local_port;
	record->remote_port = source->remote_port;
	record->old_state = source->old_state;
	record->new_state = source->new_state;
	__builtin_memcpy(record->local_address, source->local_address, ADDRESS_SIZE);
	__builtin_memcpy(record->remote_address, source->remote_address, ADDRESS_SIZE);

	/* byte counts and lifetime of a closed connection */
	record->bytes_acked = 0;
	record->bytes_received = 0;
	record->duration_ns = 0;
	if (source->kind == RECORD_CLOSE) {
		tp = (struct tcp_sock *)source->sk;
		record->bytes_acked = BPF_CORE_READ(tp, bytes_acked);
		record->bytes_received = BPF_CORE_READ(tp, bytes_received);
		if (owner && owner->start_ns)
			record->duration_ns = source->now - owner->start_ns;
	}
	bpf_ringbuf_submit(record, tarsier_wakeup_flags(&tcp_events));
	tarsier_submitted(&tcp_events);
}

static __always_inline bool is_connection_state(int state)
{
	return state == TCP_ESTABLISHED || state == TCP_FIN_WAIT1 || state == TCP_FIN_WAIT2 ||
	       state == TCP_CLOSE_WAIT || state == TCP_LAST_ACK || state == TCP_CLOSING;
}

/* Learns owners where the kernel runs in the owner's context, or inherits the listener's. */
static __always_inline void learn_owner(struct record_source *source)
{
	struct sock *sk = source->sk;
	struct sock_owner owner;
	struct connect_call *call;
	__u64 key = (__u64)sk;

	if (source->new_state == TCP_SYN_SENT) {
		/* connect(2), or a kernel socket connecting in a kernel thread */
		current_owner(&owner, source->now, OWNER_ACTIVE);
		bpf_map_update_elem(&tcp_owners, &key, &owner, BPF_ANY);
		call = connect_in_progress(sk);
		if (call)
			call->flags |= CALL_SAW_SYN_SENT;
	} else if (source->new_state == TCP_LISTEN) {
		current_owner(&owner, 0, 0);
		bpf_map_update_elem(&tcp_owners, &key, &owner, BPF_ANY);
		remember_listener(sk, source->family, source->local_port);
	} else if (source->old_state == TCP_LISTEN && source->new_state == TCP_SYN_RECV) {
		/* the child socket is a copy of the listener, local port included */
		inherit_listener_owner(sk, source->family, source->local_port, source->now);
	}
}

/* Chooses the operation a state change stands for; returns 0 for none. */
static __always_inline __u32 operation_of(int old_state, int new_state, struct sock *sk,
					  struct sock_owner *owner, __s32 *result)
{
	struct connect_call *call;
	int error;

	if (new_state == TCP_LISTEN)
		return RECORD_LISTEN;
	if (old_state == TCP_SYN_SENT && new_state == TCP_ESTABLISHED)
		return RECORD_CONNECT;
	if (old_state == TCP_SYN_SENT && new_state == TCP_CLOSE) {
		error = BPF_CORE_READ(sk, sk_err);
		if (!error) {
			/* connect(2) failed on its own path, e.g. with EADDRNOTAVAIL: it reports */
			call = connect_in_progress(sk);
			if (call) {
				call->flags |= CALL_CLOSED_WITHOUT_ERROR;
				return 0;
			}
			/* closed or shut down while the handshake was pending */
			error = ECONNABORTED;
		}
		*result = -error;
		return RECORD_CONNECT;
	}
	if (old_state == TCP_SYN_RECV && new_state == TCP_ESTABLISHED)
		return owner && (owner->flags & OWNER_ACTIVE) ? RECORD_CONNECT : RECORD_ACCEPT;
	if (new_state == TCP_CLOSE && is_connection_state(old_state))
		return RECORD_CLOSE;
	return 0;
}

SEC("tracepoint/sock/inet_sock_set_state")
int handle_set_state(struct trace_event_raw_inet_sock_set_state *ctx)
{
	struct record_source source = {};
	struct tcp_settings *config;
	struct sock_owner *owner;
	__u64 key;

	if (ctx->protocol != IPPROTO_TCP)
		return 0;
	source.family = ctx->family;
	if (source.family != AF_INET && source.family != AF_INET6)
		return 0;
	config = settings();
	if (!config)
		return 0;

	/* the fields of every record of this change */
	source.sk = (struct sock *)ctx->skaddr;
	source.now = bpf_ktime_get_boot_ns();
	source.local_port = ctx->sport;
	source.remote_port = ctx->dport;
	source.old_state = ctx->oldstate;
	source.new_state = ctx->newstate;
	/* a helper copies the addresses: the verifier rejects loads through a moved ctx pointer */
	if (source.family == AF_INET) {
		bpf_probe_read_kernel(source.local_address, 4, ctx->saddr);
		bpf_probe_read_kernel(source.remote_address, 4, ctx->daddr);
	} else {
		bpf_probe_read_kernel(source.local_address, ADDRESS_SIZE, ctx->saddr_v6);
		bpf_probe_read_kernel(source.remote_address, ADDRESS_SIZE, ctx->daddr_v6);
	}

	/* owner */
	learn_owner(&source);
	key = (__u64)source.sk;
	owner = bpf_map_lookup_elem(&tcp_owners, &key);

	/* state change, then the operation it stands for */
	if (config->states) {
		source.kind = RECORD_STATE;
		send_record(&source, owner, config);
	}
	source.kind = operation_of(source.old_state, source.new_state, source.sk, owner,
				   &source.result);
	if (source.kind)
		send_record(&source, owner, config);

	/* forget a socket that closed */
	if (source.new_state == TCP_CLOSE) {
		bpf_map_delete_elem(&tcp_owners, &key);
		if (source.old_state == TCP_LISTEN)
			forget_listener(source.sk, source.family, source.local_port);
	}
	return 0;
}

/* Layout of the syscalls/sys_enter_* tracepoints: common fields, number, then arguments. */
struct syscall_enter_args {
	__u64 common;
	__s32 nr;
	__u32 pad;
	__u64 args[6];
};

struct syscall_exit_args {
	__u64 common;
	__s32 nr;
	__u32 pad;
	__s64 ret;
};

SEC("tracepoint/syscalls/sys_enter_connect")
int handle_connect_enter(struct syscall_enter_args *ctx)
{
	struct sock *sk = tcp_sock_of_fd((long)ctx->args[0]);
	struct connect_call call = {};
	struct socket_address address = {};
	__u32 tid = (__u32)bpf_get_current_pid_tgid();

	if (!sk)
		return 0;
	call.sock = (__u64)sk;

	/* the requested address, kept for failures before the handshake */
	if (bpf_probe_read_user(&address, sizeof(address.family), (void *)ctx->args[1]) == 0) {
		if (address.family == AF_INET &&
		    bpf_probe_read_user(&address, 8, (void *)ctx->args[1]) == 0) {
			__builtin_memcpy(call.address, address.v4.address, 4);
		} else if (address.family == AF_INET6 &&
			   bpf_probe_read_user(&address, sizeof(address), (void *)ctx->args[1]) == 0) {
			__builtin_memcpy(call.address, address.v6.address, ADDRESS_SIZE);
		}
		call.family = address.family;
		call.port = __builtin_bswap16(address.port);
	}
	if (bpf_map_update_elem(&tcp_connects, &tid, &call, BPF_ANY) < 0)
		count_drop(DROP_CONNECT_TRACKING);
	return 0;
}

/* Whether connect(2) returned an error that did not come from a handshake. */
static __always_inline bool failed_before_handshake(struct connect_call *call, __s64 ret)
{
	if (call->flags & CALL_CLOSED_WITHOUT_ERROR)
		return true;
	if (call->flags & CALL_SAW_SYN_SENT)
		return false;
	/* errors about a connection already pending or established start no new attempt */
	return ret < 0 && ret != -EINPROGRESS && ret != -EALREADY && ret != -EISCONN;
}

SEC("tracepoint/syscalls/sys_exit_connect")
int handle_connect_exit(struct syscall_exit_args *ctx)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct connect_call *tracked = bpf_map_lookup_elem(&tcp_connects, &tid);
	struct record_source source = {};
	struct connect_call call;
	struct tcp_settings *config;
	struct sock_owner owner;
	struct sock *sk;

	if (!tracked)
		return 0;
	call = *tracked;
	bpf_map_delete_elem(&tcp_connects, &tid);
	if (!failed_before_handshake(&call, ctx->ret))
		return 0;
	if (call.family != AF_INET && call.family != AF_INET6)
		return 0;
	config = settings();
	if (!config)
		return 0;

	/* the caller, and the socket's local end as far as it is bound */
	sk = (struct sock *)call.sock;
	source.now = bpf_ktime_get_boot_ns();
	current_owner(&owner, 0, OWNER_ACTIVE);
	source.sk = sk;
	source.kind = RECORD_CONNECT;
	source.result = ctx->ret < 0 ? ctx->ret : -ECONNABORTED;
	source.flags = RECORD_SYSCALL_RESULT;
	source.family = call.family;
	source.local_port = BPF_CORE_READ(sk, __sk_common.skc_num);
	source.remote_port = call.port;
	source.old_state = TCP_CLOSE;
	source.new_state = BPF_CORE_READ(sk, __sk_common.skc_state);
	if (call.family == AF_INET)
		BPF_CORE_READ_INTO(source.local_address, sk, __sk_common.skc_rcv_saddr);
	else
		BPF_CORE_READ_INTO(source.local_address, sk, __sk_common.skc_v6_rcv_saddr);
	__builtin_memcpy(source.remote_address, call.address, ADDRESS_SIZE);
	send_record(&source, &owner, config);
	return 0;
}

/* Remembers the owner of a listener that started listening before the probe was loaded. */
static __always_inline int learn_listener(long fd)
{
	struct sock *sk = tcp_sock_of_fd(fd);
	struct sock_owner owner;
	struct sock_owner *known;
	__u64 key = (__u64)sk;

	if (!sk || BPF_CORE_READ(sk, __sk_common.skc_state) != TCP_LISTEN)
		return 0;
	known = bpf_map_lookup_elem(&tcp_owners, &key);
	if (known && known->tid == (__u32)bpf_get_current_pid_tgid())
		return 0;
	current_owner(&owner, 0, 0);
	bpf_map_update_elem(&tcp_owners, &key, &owner, BPF_ANY);
	remember_listener(sk, BPF_CORE_READ(sk, __sk_common.skc_family),
			  BPF_CORE_READ(sk, __sk_common.skc_num));
	return 0;
}

/* Makes the task that accepted a connection its owner, keeping the connection's start. */
static __always_inline int learn_accepted(long fd)
{
	struct sock *sk;
	struct sock_owner owner;
	struct sock_owner *known;
	__u64 key, start_ns;

	if (fd < 0)
		return 0;
	sk = tcp_sock_of_fd(fd);
	/* a connection reset before accept(2) has closed and will not change state again */
	if (!sk || BPF_CORE_READ(sk, __sk_common.skc_state) == TCP_CLOSE)
		return 0;
	key = (__u64)sk;
	known = bpf_map_lookup_elem(&tcp_owners, &key);
	start_ns = known ? known->start_ns : 0;
	current_owner(&owner, start_ns, 0);
	bpf_map_update_elem(&tcp_owners, &key, &owner, BPF_ANY);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_accept")
int handle_accept_enter(struct syscall_enter_args *ctx)
{
	return learn_listener((long)ctx->args[0]);
}

SEC("tracepoint/syscalls/sys_enter_accept4")
int handle_accept4_enter(struct syscall_enter_args *ctx)
{
	return learn_listener((long)ctx->args[0]);
}

SEC("tracepoint/syscalls/sys_exit_accept")
int handle_accept_exit(struct syscall_exit_args *ctx)
{
	return learn_accepted(ctx->ret);
}

SEC("tracepoint/syscalls/sys_exit_accept4")
int handle_accept4_exit(struct syscall_exit_args *ctx)
{
	return learn_accepted(ctx->ret);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
