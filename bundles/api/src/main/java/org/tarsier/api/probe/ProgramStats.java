package org.tarsier.api.probe;

/**
 * Run statistics of one loaded BPF program, as the kernel keeps them while
 * {@code /proc/sys/kernel/bpf_stats_enabled} is 1; both values stay 0 while it is 0.
 *
 * @param runCount number of times the program ran
 * @param runTimeNanos total time the program ran, in nanoseconds
 * @since 1.1
 */
public record ProgramStats(long runCount, long runTimeNanos) {
}
