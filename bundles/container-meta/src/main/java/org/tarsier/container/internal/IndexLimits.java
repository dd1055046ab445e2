package org.tarsier.container.internal;

/**
 * Bounds on the work and memory of the {@link CgroupIndex}.
 *
 * @param quickScanIntervalNanos minimum time between two quick scans
 * @param fullScanIntervalNanos minimum time between two full scans after the first
 * @param missTtlNanos how long an id that a scan did not find is reported unknown without a scan
 * @param retentionNanos how long the entry of a removed cgroup is kept
 * @param maxScanDirectories maximum number of directories one scan visits, and of remembered
 *     misses
 */
record IndexLimits(
        long quickScanIntervalNanos,
        long fullScanIntervalNanos,
        long missTtlNanos,
        long retentionNanos,
        int maxScanDirectories) {
}
