package org.tarsier.console.internal.command;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.tarsier.api.probe.Probe;
import org.tarsier.api.probe.ProbeException;
import org.tarsier.api.probe.ProbeState;

/**
 * A probe without BPF programs whose state and counters the test sets; {@link #load()} fails
 * with {@link #failLoadWith(String)}'s message when one is set.
 */
class TestProbe implements Probe {

    private final String name;
    private final List<String> programs;
    private ProbeState state = ProbeState.UNLOADED;
    private final Map<String, Long> eventCounts = new LinkedHashMap<>();
    private final Map<String, Long> dropCounts = new LinkedHashMap<>();
    private String lastError = "";
    private String loadFailure;
    private int loadCalls;
    private int unloadCalls;

    TestProbe(String name, String... programs) {
        this.name = name;
        this.programs = List.of(programs);
    }

    TestProbe events(String kind, long count) {
        eventCounts.put(kind, count);
        return this;
    }

    TestProbe drops(String reason, long count) {
        dropCounts.put(reason, count);
        return this;
    }

    TestProbe state(ProbeState newState) {
        state = newState;
        return this;
    }

    TestProbe failLoadWith(String message) {
        loadFailure = message;
        return this;
    }

    int loadCalls() {
        return loadCalls;
    }

    int unloadCalls() {
        return unloadCalls;
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
    public void load() throws ProbeException {
        loadCalls++;
        if (loadFailure != null) {
            state = ProbeState.FAILED;
            lastError = loadFailure;
            throw new ProbeException(loadFailure);
        }
        state = ProbeState.LOADED;
    }

    @Override
    public void unload() {
        unloadCalls++;
        state = ProbeState.UNLOADED;
    }

    @Override
    public List<String> programs() {
        return state == ProbeState.LOADED ? programs : new ArrayList<>();
    }

    @Override
    public Map<String, Long> eventCounts() {
        return eventCounts;
    }

    @Override
    public Map<String, Long> dropCounts() {
        return dropCounts;
    }

    @Override
    public String lastError() {
        return lastError;
    }
}
