/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Records that tcp.bpf.c sends to user space, and the settings that user space writes into the
 * tcp_config map. Java decodes the records with MemoryLayouts that a unit test compares with
 * this object's BTF, so every field has a fixed width and every struct spells out its padding.
 */
#ifndef TARSIER_TCP_H
#define TARSIER_TCP_H

#define TASK_COMM_SIZE 16
#define CGROUP_NAME_SIZE 128
#define ADDRESS_SIZE 16

/* Record kinds, in the order of the Java TcpOperation enum plus one. */
enum record_kind {
	RECORD_CONNECT = 1,
	RECORD_ACCEPT = 2,
	RECORD_LISTEN = 3,
	RECORD_CLOSE = 4,
	RECORD_STATE = 5,
};

/* Keys of the drops map: records lost, or sent with a field missing. */
enum drop_reason {
	DROP_RINGBUF = 0,
	/* no owner was recorded for the socket: sent without pid, tid, uid, gid and comm */
	DROP_OWNER_MISSING = 1,
	/* no cgroup names were recorded for the cgroup id: sent without the cgroup path */
	DROP_CGROUP_MISSING = 2,
	/* a connecting thread's entry could not be stored: an early connect failure is not sent */
	DROP_CONNECT_TRACKING = 3,
	DROP_REASON_COUNT = 4,
};

/* Bits of tcp_record.flags. */
/* The task fields are zero because no owner was recorded for the socket. */
#define RECORD_OWNER_UNKNOWN (1U << 0)
/* The kernel could not tell container from host; user space decides through the cgroup id. */
#define RECORD_CONTAINER_UNKNOWN (1U << 1)
/* The connect system call failed before the handshake started; result is its return value. */
#define RECORD_SYSCALL_RESULT (1U << 2)

/* Fields of the task that every record starts with; 56 bytes. */
struct record_header {
	__u64 boot_ns;			/* bpf_ktime_get_boot_ns() */
	__u64 cgroup_id;		/* cgroup v2 id of the socket's owner */
	__u32 kind;			/* enum record_kind */
	__u32 pid;			/* thread group id of the owner */
	__u32 tid;
	__u32 ppid;			/* thread group id of the owner's real_parent */
	__u32 uid;
	__u32 gid;
	char comm[TASK_COMM_SIZE];
};

/*
 * One TCP event. Addresses are in network byte order; an IPv4 address fills the first four
 * bytes. Ports are in host byte order.
 */
struct tcp_record {
	struct record_header header;
	__u64 bytes_acked;		/* tcp_sock.bytes_acked, for CLOSE */
	__u64 bytes_received;		/* tcp_sock.bytes_received, for CLOSE */
	__u64 duration_ns;		/* since SYN_SENT or the child socket's creation, for CLOSE */
	__s32 result;			/* 0, or -errno for a failed CONNECT */
	__u32 flags;			/* RECORD_* bits */
	__u16 family;			/* AF_INET or AF_INET6 */
	__u16 local_port;
	__u16 remote_port;
	__u8 old_state;			/* TCP_* state before the change */
	__u8 new_state;			/* TCP_* state after the change */
	__u8 local_address[ADDRESS_SIZE];
	__u8 remote_address[ADDRESS_SIZE];
	char cgroup_parent[CGROUP_NAME_SIZE];
	char cgroup_leaf[CGROUP_NAME_SIZE];
};

/* Value of the single tcp_config entry; user space may rewrite it while programs run. */
struct tcp_settings {
	__u32 host;			/* nonzero: report host sockets too, not only containers */
	__u32 states;			/* nonzero: send a STATE record for every state change */
};

#endif /* TARSIER_TCP_H */
