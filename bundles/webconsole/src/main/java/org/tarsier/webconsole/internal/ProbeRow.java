package org.tarsier.webconsole.internal;

import java.util.Map;

import org.tarsier.api.probe.Probe;

/**
 * One row of the probe table, read from a {@link Probe} service.
 *
 * @param name probe name, as {@code probe:list} shows it
 * @param state LOADED, UNLOADED or FAILED
 * @param programs number of distinct attached BPF programs
 * @param events events delivered, summed over kinds
 * @param drops records lost, summed over reasons
 * @param lastError the last load or runtime error, empty if none
 */
record ProbeRow(String name, String state, int programs, long events, long drops,
        String lastError) {

    /** Reads the probe; a probe whose bundle is stopping is shown with state "?". */
    static ProbeRow read(Probe probe) {
        try {
            return new ProbeRow(probe.name(), String.valueOf(probe.state()),
                    Probe.countPrograms(probe.programs()), sum(probe.eventCounts()), sum(probe.dropCounts()),
                    probe.lastError() == null ? "" : probe.lastError());
        } catch (RuntimeException e) {
            return new ProbeRow(String.valueOf(safeName(probe)), "?", 0, 0, 0,
                    String.valueOf(e.getMessage()));
        }
    }

    private static String safeName(Probe probe) {
        try {
            return probe.name();
        } catch (RuntimeException e) {
            return "?";
        }
    }

    private static long sum(Map<String, Long> counts) {
        return counts.values().stream().mapToLong(Long::longValue).sum();
    }
}
