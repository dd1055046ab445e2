package org.tarsier.probe.process.internal;

/**
 * Keys of the process_drops map (enum drop_reason in process.h) and their names in
 * {@code Probe.dropCounts()}.
 */
enum DropReason {
    /** The ring buffer was full: the record was lost. */
    RINGBUF("ringbuf"),
    /** The exec filename could not be read: the record was sent without it. */
    FILENAME_READ("filename_read"),
    /** An argument could not be read: the record was sent with the arguments before it. */
    ARGV_READ("argv_read"),
    /** A cwd component could not be read: the record was sent with a truncated cwd. */
    CWD_READ("cwd_read"),
    /** A cgroup name could not be read: the record was sent without it. */
    CGROUP_READ("cgroup_read");

    private final String key;

    DropReason(String key) {
        this.key = key;
    }

    /** Returns the name used in drop counts. */
    String key() {
        return key;
    }
}
