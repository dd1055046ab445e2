package org.tarsier.console.internal.command;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.annotations.GogoCommand;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.tarsier.api.probe.Probe;
import org.tarsier.api.probe.ProbeException;
import org.tarsier.api.probe.ProbeState;

/**
 * Gogo commands in the {@code probe} scope: list the registered {@link Probe} services, and load
 * or unload one by name.
 *
 * <p>The probe references are dynamic, so the commands see probe bundles that start or stop while
 * the shell runs.
 */
@Component(service = ProbeCommands.class)
@GogoCommand(scope = "probe", function = {"list", "load", "unload", "info"})
public class ProbeCommands {

    @Reference(
            cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile List<Probe> probes = List.of();

    /** Creates the component; Declarative Services injects the probes. */
    public ProbeCommands() {
    }

    ProbeCommands(List<Probe> probes) {
        this.probes = List.copyOf(probes);
    }

    /** Returns a table of every probe with its state, program count, counters and last error. */
    @Descriptor("lists the probes with their state, programs, events, drops and last error")
    public String list() {
        TextTable table =
                new TextTable("NAME", "STATE", "PROGRAMS", "EVENTS", "DROPS", "LAST ERROR")
                        .alignRight(2, 3, 4);
        for (Probe probe : sortedProbes()) {
            ProbeStatus.read(probe).addTo(table);
        }
        return table.format();
    }

    /**
     * Loads and attaches the programs of the named probe.
     *
     * @throws IllegalArgumentException if no probe has that name; the message lists the names
     * @throws ProbeException if the kernel rejects the probe
     */
    @Descriptor("loads and attaches the BPF programs of a probe")
    public String load(@Descriptor("probe name, as probe:list shows it") String name)
            throws ProbeException {
        Probe probe = find(name);
        if (probe.state() == ProbeState.LOADED) {
            return "probe " + name + " is already loaded";
        }
        probe.load();
        int programs = Probe.countPrograms(probe.programs());
        return "probe " + name + " loaded with " + programs
                + (programs == 1 ? " program" : " programs");
    }

    /**
     * Detaches the programs of the named probe and frees its maps.
     *
     * @throws IllegalArgumentException if no probe has that name; the message lists the names
     */
    @Descriptor("detaches the BPF programs of a probe and frees its maps")
    public String unload(@Descriptor("probe name, as probe:list shows it") String name) {
        Probe probe = find(name);
        if (probe.state() != ProbeState.LOADED) {
            return "probe " + name + " is not loaded (state " + probe.state() + ")";
        }
        probe.unload();
        return "probe " + name + " unloaded";
    }

    /**
     * Returns the programs with their attach points and the event and drop counts by kind of the
     * named probe.
     *
     * @throws IllegalArgumentException if no probe has that name; the message lists the names
     */
    @Descriptor("shows the programs, event counts by kind and drop counts by reason of a probe")
    public String info(@Descriptor("probe name, as probe:list shows it") String name) {
        Probe probe = find(name);
        TextTable table = new TextTable("FIELD", "VALUE");
        table.addRow("name", probe.name());
        table.addRow("state", probe.state());
        List<String> programs = probe.programs();
        if (programs.isEmpty()) {
            table.addRow("programs", "");
        }
        for (int i = 0; i < programs.size(); i++) {
            table.addRow(i == 0 ? "programs" : "", programs.get(i));
        }
        table.addRow("events", formatCounts(probe.eventCounts()));
        table.addRow("drops", formatCounts(probe.dropCounts()));
        table.addRow("last error", probe.lastError());
        return table.format();
    }

    private Probe find(String name) {
        List<Probe> current = sortedProbes();
        Optional<Probe> match =
                current.stream().filter(probe -> name.equals(nameOf(probe))).findFirst();
        if (match.isPresent()) {
            return match.get();
        }
        if (current.isEmpty()) {
            throw new IllegalArgumentException(
                    "probe not found: " + name + ". No probe services are registered.");
        }
        String known =
                current.stream().map(ProbeCommands::nameOf).collect(Collectors.joining(", "));
        throw new IllegalArgumentException(
                "probe not found: " + name + ". Known probes: " + known);
    }

    private List<Probe> sortedProbes() {
        return probes.stream().sorted(Comparator.comparing(ProbeCommands::nameOf)).toList();
    }

    static String nameOf(Probe probe) {
        try {
            return String.valueOf(probe.name());
        } catch (RuntimeException e) {
            // A probe whose bundle is stopping may fail any call; keep it listed.
            return "?";
        }
    }

    static String formatCounts(Map<String, Long> counts) {
        return counts.entrySet().stream()
                .sorted(Map.Entry.comparingByKey())
                .map(entry -> entry.getKey() + "=" + entry.getValue())
                .collect(Collectors.joining(" "));
    }
}
