package org.tarsier.probe.tcp.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * Validated configuration of the TCP probe.
 *
 * @param autoload load the programs when the component activates
 * @param host report sockets of host processes too, not only those of containers
 * @param states post a STATE event for every TCP state change
 * @param ownerMapEntries sockets whose owner the kernel remembers at once, 1024 to 1048576
 * @param pollTimeoutMillis maximum wait of one ring-buffer poll, 10 to 10000
 */
record Settings(boolean autoload, boolean host, boolean states, int ownerMapEntries,
        int pollTimeoutMillis) {

    static final Settings DEFAULTS = new Settings(true, false, false, 65_536, 100);

    static final String AUTOLOAD = "autoload";
    static final String HOST = "host";
    static final String STATES = "states";
    static final String OWNER_MAP_ENTRIES = "owner.map.entries";
    static final String POLL_TIMEOUT_MS = "poll.timeout.ms";

    static final int MIN_OWNER_MAP_ENTRIES = 1024;
    static final int MAX_OWNER_MAP_ENTRIES = 1 << 20;

    /**
     * Checks raw values and returns the problems, one sentence each that names the property, the
     * bad value and what is expected. An empty list means the values are valid.
     */
    static List<String> problems(int ownerMapEntries, int pollTimeoutMillis) {
        List<String> problems = new ArrayList<>();
        checkRange(problems, OWNER_MAP_ENTRIES, ownerMapEntries, MIN_OWNER_MAP_ENTRIES,
                MAX_OWNER_MAP_ENTRIES);
        checkRange(problems, POLL_TIMEOUT_MS, pollTimeoutMillis, 10, 10_000);
        return problems;
    }

    /** Returns whether a change from this to {@code next} needs a reload to take effect. */
    boolean needsReload(Settings next) {
        return ownerMapEntries != next.ownerMapEntries;
    }

    @Override
    public String toString() {
        return AUTOLOAD + "=" + autoload + ", " + HOST + "=" + host + ", " + STATES + "=" + states
                + ", " + OWNER_MAP_ENTRIES + "=" + ownerMapEntries + ", " + POLL_TIMEOUT_MS + "="
                + pollTimeoutMillis;
    }

    private static void checkRange(List<String> problems, String property, int value, int min,
            int max) {
        if (value < min || value > max) {
            problems.add(property + "=" + value + " is invalid: expected an integer from " + min
                    + " to " + max);
        }
    }
}
