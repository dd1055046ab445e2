// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * A small BPF object for the unit tests of the Java binding: read-only globals, a hash map, a
 * per-CPU array, a ring buffer, a program that submits like the probes, and one program that
 * the verifier rejects.
 */
#include <linux/types.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "tarsier_ringbuf.h"

struct sample_record {
	__u32 magic;
	__u32 pid;
	__u64 sequence;
	__u64 wide;
};

/* Puts struct sample_record into the object's BTF, which the tests read back. */
const struct sample_record *const sample_record_type = 0;

/* Set by the tests before load. */
const volatile __u32 target_pid = 0;
const volatile __u32 magic = 0;
const volatile __u64 wide = 0;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, __u32);
	__type(value, __u64);
} counts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} per_cpu_counts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 64 * 1024);
} records SEC(".maps");

SEC("tracepoint/syscalls/sys_enter_getppid")
int count_getppid(void *ctx)
{
	__u32 pid = bpf_get_current_pid_tgid() >> 32;
	__u32 key = 0;
	__u64 initial = 1, sequence = 1;
	__u64 *count, *per_cpu;
	struct sample_record *record;

	if (pid != target_pid)
		return 0;

	/* count calls, inserting the first */
	count = bpf_map_lookup_elem(&counts, &key);
	if (count) {
		sequence = __sync_add_and_fetch(count, 1);
	} else {
		bpf_map_update_elem(&counts, &key, &initial, BPF_NOEXIST);
	}
	per_cpu = bpf_map_lookup_elem(&per_cpu_counts, &key);
	if (per_cpu)
		*per_cpu += 1;

	/* send one record per call */
	record = bpf_ringbuf_reserve(&records, sizeof(*record), 0);
	if (!record)
		return 0;
	record->magic = magic;
	record->pid = pid;
	record->sequence = sequence;
	record->wide = wide;
	bpf_ringbuf_submit(record, 0);
	return 0;
}

/* Sends one record per call with the probes' wakeup flags, which wake only an idle consumer. */
SEC("tracepoint/syscalls/sys_enter_getppid")
int quiet_getppid(void *ctx)
{
	struct sample_record record = {};
	__u32 pid = bpf_get_current_pid_tgid() >> 32;

	if (pid != target_pid)
		return 0;
	record.magic = magic;
	record.pid = pid;
	record.sequence = 1;
	record.wide = wide;
	if (bpf_ringbuf_output(&records, &record, sizeof(record),
			       tarsier_wakeup_flags(&records)) == 0)
		tarsier_submitted(&records);
	return 0;
}

/* Dereferences a map value without the null check, so the verifier rejects this program. */
SEC("tracepoint/syscalls/sys_enter_getppid")
int rejected(void *ctx)
{
	__u32 key = 0;
	__u64 *count = bpf_map_lookup_elem(&counts, &key);

	return *count;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
