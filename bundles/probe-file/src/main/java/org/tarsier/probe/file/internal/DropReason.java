package org.tarsier.probe.file.internal;

/**
 * Keys of the file_drops map (enum drop_reason in file.h) and their names in
 * {@code Probe.dropCounts()}.
 */
enum DropReason {
    /** The ring buffer was full: the record was lost. */
    RINGBUF("ringbuf"),
    /** A path string could not be read from user memory: the record was sent without it. */
    PATH_READ("path_read"),
    /**
     * The directory fd, the cwd or the fd of an fd-based operation could not be found: the
     * record was sent with the relative name, or without a path.
     */
    BASE_UNRESOLVED("base_unresolved"),
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
