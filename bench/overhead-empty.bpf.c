// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * Two programs that return at once, on the BTF-typed sys_enter and sys_exit tracepoints that the
 * syscall probe uses. Loaded by overhead-loader as the libbpf-empty condition of
 * bench/overhead.sh, they show what an attached syscall tracepoint costs before any program
 * does work: the floor of every syscall counter built on tracepoints.
 *
 * Build: clang -O2 -g -target bpf -c overhead-empty.bpf.c -o overhead-empty.bpf.o
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("tp_btf/sys_enter")
int empty_sys_enter(unsigned long long *context)
{
	return 0;
}

SEC("tp_btf/sys_exit")
int empty_sys_exit(unsigned long long *context)
{
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
