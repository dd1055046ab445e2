package org.tarsier.exporter.internal.prometheus;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.tarsier.api.probe.Probe;
import org.tarsier.api.probe.ProbeState;
import org.tarsier.api.probe.ProgramStats;

/** A probe without BPF programs whose state and drop counts the test sets. */
final class TestProbe implements Probe {

    private final String name;
    private final Map<String, Long> drops = new ConcurrentHashMap<>();
    private final Map<String, ProgramStats> programStats = new ConcurrentHashMap<>();
    private volatile ProbeState state = ProbeState.UNLOADED;

    TestProbe(String name) {
        this.name = name;
    }

    void setState(ProbeState next) {
        state = next;
    }

    void setProgramStats(String program, long runs, long nanos) {
        programStats.put(program, new ProgramStats(runs, nanos));
    }

    void clearProgramStats() {
        programStats.clear();
    }

    @Override
    public Map<String, ProgramStats> programStats() {
        return Map.copyOf(programStats);
    }

    void setDrops(String reason, long count) {
        drops.put(reason, count);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public ProbeState state() {
        return state;
    }

    @Override
    public void load() {
        state = ProbeState.LOADED;
    }

    @Override
    public void unload() {
        state = ProbeState.UNLOADED;
    }

    @Override
    public List<String> programs() {
        return List.of();
    }

    @Override
    public Map<String, Long> eventCounts() {
        return Map.of();
    }

    @Override
    public Map<String, Long> dropCounts() {
        return Map.copyOf(drops);
    }

    @Override
    public String lastError() {
        return "";
    }
}
