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
 * Returns the flags for bpf_ringbuf_submit or bpf_ringbuf_output: wake the consumer only when
 * at least TARSIER_WAKEUP_BYTES wait in the ring. bpf_ringbuf_query exists since Linux 5.8.
 */
static __always_inline __u64 tarsier_wakeup_flags(void *ring)
{
	if (bpf_ringbuf_query(ring, BPF_RB_AVAIL_DATA) >= TARSIER_WAKEUP_BYTES)
		return BPF_RB_FORCE_WAKEUP;
	return BPF_RB_NO_WAKEUP;
}

#endif
