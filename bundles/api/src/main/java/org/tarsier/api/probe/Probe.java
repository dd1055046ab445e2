package org.tarsier.api.probe;

import java.util.List;
import java.util.Map;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A set of BPF programs that observe one area of the kernel and post events.
 *
 * <p>A probe bundle registers one {@code Probe} service while its bundle is active, whether or not
 * its programs are loaded. {@link #unload()} removes every program, link and map of the probe from
 * the kernel; {@link #load()} puts them back.
 */
@ProviderType
public interface Probe {

    /** Service property with the probe name, for filters such as {@code (tarsier.probe=process)}. */
    String PROPERTY_NAME = "tarsier.probe";

    /** Returns the short name used in shell commands and metrics, for example {@code process}. */
    String name();

    /** Returns the current state. */
    ProbeState state();

    /**
     * Loads and attaches the probe's programs; does nothing if they are loaded.
     *
     * @throws ProbeException if the kernel rejects a program or a map; nothing stays loaded
     */
    void load() throws ProbeException;

    /** Detaches the programs and frees the maps; does nothing if the probe is not loaded. */
    void unload();

    /**
     * Returns the names of the probe's BPF programs with their attach points while loaded, one
     * {@code name: attach point} entry per attachment.
     */
    List<String> programs();

    /**
     * Counts the distinct programs in a {@link #programs()} list, where a program attached to
     * several tracepoints has several entries.
     */
    static int countPrograms(List<String> attachments) {
        return (int) attachments.stream()
                .map(Probe::programName)
                .distinct()
                .count();
    }

    private static String programName(String attachment) {
        int colon = attachment.indexOf(':');
        return colon < 0 ? attachment : attachment.substring(0, colon);
    }

    /** Returns the number of events posted since the bundle started, by event kind. */
    Map<String, Long> eventCounts();

    /**
     * Returns the number of records lost since the bundle started, by reason: {@code ringbuf} for
     * records the kernel could not reserve, others as the probe documents them.
     */
    Map<String, Long> dropCounts();

    /** Returns the message of the last load failure, or an empty string. */
    String lastError();

    /**
     * Returns the kernel's run statistics of each loaded program by program name. The map is
     * empty while the probe is not loaded, and for probes that do not report statistics.
     *
     * @since 1.1
     */
    default Map<String, ProgramStats> programStats() {
        return Map.of();
    }
}
