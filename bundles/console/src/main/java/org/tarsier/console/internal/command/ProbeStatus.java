package org.tarsier.console.internal.command;

import java.util.Map;

import org.tarsier.api.probe.Probe;

/**
 * One row of {@code probe:list}, read from a probe at one moment.
 *
 * @param name probe name
 * @param state state name, or {@code ?} when the probe failed to report it
 * @param programs number of programs, or {@code ?}
 * @param events sum of the event counts over all kinds, or {@code ?}
 * @param drops sum of the drop counts over all reasons, or {@code ?}
 * @param lastError the probe's last load error, or the exception a call to the probe raised
 */
record ProbeStatus(
        String name, String state, String programs, String events, String drops,
        String lastError) {

    private static final String UNKNOWN = "?";

    /** Reads a probe's status; a probe that throws is shown with {@code ?} and the exception. */
    static ProbeStatus read(Probe probe) {
        String name = ProbeCommands.nameOf(probe);
        try {
            return new ProbeStatus(
                    name,
                    probe.state().name(),
                    Integer.toString(Probe.countPrograms(probe.programs())),
                    Long.toString(sum(probe.eventCounts())),
                    Long.toString(sum(probe.dropCounts())),
                    probe.lastError());
        } catch (RuntimeException e) {
            String error = "status failed: " + e;
            return new ProbeStatus(name, UNKNOWN, UNKNOWN, UNKNOWN, UNKNOWN, error);
        }
    }

    void addTo(TextTable table) {
        table.addRow(name, state, programs, events, drops, lastError);
    }

    private static long sum(Map<String, Long> counts) {
        long total = 0;
        for (Long count : counts.values()) {
            total += count == null ? 0 : count;
        }
        return total;
    }
}
