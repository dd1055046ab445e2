// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* Syscall ABI of the calling task, and syscall arguments read from its saved registers. */
#ifndef TARSIER_SYSCALL_ABI_H
#define TARSIER_SYSCALL_ABI_H

/*
 * Syscall ABI and argument registers. x86_64 passes 64-bit syscall arguments in di, si, dx, r10,
 * r8 and r9, and i386 ones in bx, cx, dx, si, di and bp. orig_ax keeps the number after ax
 * receives the return value. TS_COMPAT (0x0002 in
 * arch/x86/include/asm/thread_info.h) marks a task inside an i386 syscall. arm64 passes arguments
 * in x0 to x5 for both ABIs, keeps x0 in orig_x0 because x0 receives the return value, keeps the
 * number in syscallno, and marks 32-bit tasks with TIF_32BIT (bit 22 of thread_info.flags).
 */
#if defined(__TARGET_ARCH_x86)

#define TS_COMPAT 0x0002

static __always_inline __u32 syscall_abi(struct task_struct *task)
{
	return BPF_CORE_READ(task, thread_info.status) & TS_COMPAT ? 1 : 0;
}

static __always_inline long syscall_nr_at_exit(struct pt_regs *regs)
{
	return BPF_CORE_READ(regs, orig_ax);
}

/* The same two through BTF-typed pointers, which a program reads with plain loads. */
static __always_inline __u32 syscall_abi_btf(struct task_struct *task)
{
	return task->thread_info.status & TS_COMPAT ? 1 : 0;
}

static __always_inline long syscall_nr_at_exit_btf(struct pt_regs *regs)
{
	return regs->orig_ax;
}

static __always_inline void read_syscall_args(struct pt_regs *regs, __u32 compat, __u64 *args)
{
	if (compat) {
		args[0] = (__u32)BPF_CORE_READ(regs, bx);
		args[1] = (__u32)BPF_CORE_READ(regs, cx);
		args[2] = (__u32)BPF_CORE_READ(regs, dx);
		args[3] = (__u32)BPF_CORE_READ(regs, si);
		args[4] = (__u32)BPF_CORE_READ(regs, di);
		args[5] = (__u32)BPF_CORE_READ(regs, bp);
		return;
	}
	args[0] = BPF_CORE_READ(regs, di);
	args[1] = BPF_CORE_READ(regs, si);
	args[2] = BPF_CORE_READ(regs, dx);
	args[3] = BPF_CORE_READ(regs, r10);
	args[4] = BPF_CORE_READ(regs, r8);
	args[5] = BPF_CORE_READ(regs, r9);
}

#elif defined(__TARGET_ARCH_arm64)

/* NOTE: the arm64 branch compiles only against an arm64 vmlinux.h and has not run yet. */
#define TIF_32BIT 22

static __always_inline __u32 syscall_abi(struct task_struct *task)
{
	return (BPF_CORE_READ(task, thread_info.flags) >> TIF_32BIT) & 1;
}

static __always_inline long syscall_nr_at_exit(struct pt_regs *regs)
{
	return BPF_CORE_READ(regs, syscallno);
}

static __always_inline __u32 syscall_abi_btf(struct task_struct *task)
{
	return (task->thread_info.flags >> TIF_32BIT) & 1;
}

static __always_inline long syscall_nr_at_exit_btf(struct pt_regs *regs)
{
	return regs->syscallno;
}

static __always_inline void read_syscall_args(struct pt_regs *regs, __u32 compat, __u64 *args)
{
	args[0] = BPF_CORE_READ(regs, orig_x0);
	args[1] = BPF_CORE_READ(regs, regs[1]);
	args[2] = BPF_CORE_READ(regs, regs[2]);
	args[3] = BPF_CORE_READ(regs, regs[3]);
	args[4] = BPF_CORE_READ(regs, regs[4]);
	args[5] = BPF_CORE_READ(regs, regs[5]);
	if (compat) {
		for (int i = 0; i < 6; i++)
			args[i] = (__u32)args[i];
	}
}

#else
#error "the probes support x86_64 and arm64: define __TARGET_ARCH_x86 or __TARGET_ARCH_arm64"
#endif

/*
 * Returns the current task's syscall ABI. Where the kernel has bpf_get_current_task_btf (Linux
 * 5.11) this is a load through a BTF pointer. Older kernels pay a bpf_probe_read_kernel call.
 * The verifier skips the branch that the running kernel lacks, so its helper call is never
 * checked there.
 * NOTE: the pre-5.11 branch ran only when forced on a newer kernel, not on an older one.
 */
static __always_inline __u32 current_syscall_abi(void)
{
	if (bpf_core_enum_value_exists(enum bpf_func_id, BPF_FUNC_get_current_task_btf))
		return syscall_abi_btf(bpf_get_current_task_btf());
	return syscall_abi((struct task_struct *)bpf_get_current_task());
}

#endif /* TARSIER_SYSCALL_ABI_H */
