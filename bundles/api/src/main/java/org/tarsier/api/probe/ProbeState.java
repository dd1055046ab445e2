package org.tarsier.api.probe;

/** Lifecycle state of a probe's BPF programs. */
public enum ProbeState {
    /** No program of the probe is in the kernel. */
    UNLOADED,
    /** Programs are loaded and attached, and events flow. */
    LOADED,
    /** The last load failed; {@link Probe#lastError()} contains the reason, and nothing is in the kernel. */
    FAILED
}
