package org.tarsier.webconsole.internal;

import java.util.List;
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
                    programCount(probe.programs()), sum(probe.eventCounts()), sum(probe.dropCounts()),
                    probe.lastError() == null ? "" : probe.lastError());
        } catch (RuntimeException e) {
            return new ProbeRow(String.valueOf(safeName(probe)), "?", 0, 0, 0,
                    String.valueOf(e.getMessage()));
        }
    }

    /** Counts distinct programs: {@link Probe#programs()} has one entry per attachment. */
    static int programCount(List<String> attachments) {
        return (int) attachments.stream()
                .map(entry -> entry.contains(":") ? entry.substring(0, entry.indexOf(':')) : entry)
                .distinct()
                .count();
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
