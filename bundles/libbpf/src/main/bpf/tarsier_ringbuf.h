// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* Ring-buffer submission flags shared by the probes' BPF programs. */
#ifndef TARSIER_RINGBUF_H
#define TARSIER_RINGBUF_H

/*
 * Unread bytes in a ring buffer at which a submission wakes the consumer. Below it the consumer
 * is not woken and drains the ring on its poll timer instead, because a wakeup per record costs
 * the consumer an epoll_wait return and a context switch per record.
 */
#define TARSIER_WAKEUP_BYTES (256 * 1024)

/*
 * Entry 0 is 1 while the consumer waits without a short poll timer, because the ring was empty
 * for a whole poll timeout. The first submission after that wakes it (tarsier_submitted), so an
 * idle agent does not wake up every poll timeout. ProbeSession in Java sets the entry.
 */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} tarsier_idle SEC(".maps");

/*
 * Returns the flags for bpf_ringbuf_submit or bpf_ringbuf_output: wake the consumer only when
 * at least TARSIER_WAKEUP_BYTES wait in the ring. bpf_ringbuf_query exists since Linux 5.8.
 */
static __always_inline __u64 tarsier_wakeup_flags(void *ring)
{
	if (bpf_ringbuf_query(ring, BPF_RB_AVAIL_DATA) >= TARSIER_WAKEUP_BYTES)
		return BPF_RB_FORCE_WAKEUP;
	return BPF_RB_NO_WAKEUP;
}

/*
 * Wakes an idle consumer after a record was submitted, with an empty record that the consumer
 * skips. The flag is read after the submission, which ends with a full barrier. The consumer
 * sets the flag before its last check of the ring. So either the consumer finds the record or
 * this program finds the flag.
 */
static __always_inline void tarsier_submitted(void *ring)
{
	__u32 zero = 0, *idle = bpf_map_lookup_elem(&tarsier_idle, &zero);

	if (idle && *idle) {
		*idle = 0;
		bpf_ringbuf_output(ring, &zero, 0, BPF_RB_FORCE_WAKEUP);
	}
}

#endif
