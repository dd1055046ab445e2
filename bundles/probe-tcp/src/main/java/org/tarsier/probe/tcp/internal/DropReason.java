package org.tarsier.probe.tcp.internal;

/**
 * Keys of the tcp_drops map (enum drop_reason in tcp.h) and their names in
 * {@code Probe.dropCounts()}.
 */
enum DropReason {
    /** The ring buffer was full: the record was lost. */
    RINGBUF("ringbuf"),
    /**
     * No owner was recorded for the socket, because it was connected or accepted before the probe
     * was loaded or its entry was evicted: the record was sent without pid, tid, uid, gid and comm.
     */
    OWNER_MISSING("owner_missing"),
    /** No names were recorded for the owner's cgroup: the record was sent without cgroup path. */
    CGROUP_MISSING("cgroup_missing"),
    /**
     * A connect(2) could not be tracked: a failure before the handshake in that call is lost.
     */
    CONNECT_TRACKING("connect_tracking");

    private final String key;

    DropReason(String key) {
        this.key = key;
    }

    /** Returns the name used in drop counts. */
    String key() {
        return key;
    }
}
