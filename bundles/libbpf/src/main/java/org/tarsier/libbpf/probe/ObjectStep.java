package org.tarsier.libbpf.probe;

import org.tarsier.libbpf.BpfException;
import org.tarsier.libbpf.BpfObject;

/** A step that a {@link ProbeSession} runs on its BPF object, such as filling a filter map. */
@FunctionalInterface
public interface ObjectStep {

    /**
     * Runs the step.
     *
     * @throws BpfException if a libbpf call fails; the session passes it on
     */
    void apply(BpfObject object) throws BpfException;
}
