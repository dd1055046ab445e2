package org.tarsier.injector.scenario;

/**
 * Resource limits of a container the injector creates, passed to Docker's host configuration.
 *
 * @param cpus CPUs as a fraction, e.g. 0.5 ({@code NanoCpus} = cpus × 10⁹)
 * @param memoryMib memory limit in MiB, swap included ({@code Memory}, {@code MemorySwap})
 * @param pids maximum number of tasks ({@code PidsLimit})
 */
public record Limits(double cpus, long memoryMib, long pids) {

    /** Returns {@code NanoCpus}. */
    public long nanoCpus() {
        return Math.round(cpus * 1_000_000_000d);
    }

    /** Returns {@code Memory} in bytes. */
    public long memoryBytes() {
        return memoryMib * 1024 * 1024;
    }
}
