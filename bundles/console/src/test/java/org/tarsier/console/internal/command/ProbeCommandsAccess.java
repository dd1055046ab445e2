package org.tarsier.console.internal.command;

import java.util.List;

/** Creates probe commands over test probes for tests in other packages. */
public final class ProbeCommandsAccess {

    private ProbeCommandsAccess() {
    }

    /** Returns probe commands that see one unloaded probe of the given name. */
    public static ProbeCommands withProbe(String name) {
        return new ProbeCommands(List.of(new TestProbe(name)));
    }
}
