package org.tarsier.api.event;

/** File system operations that the file probe reports; each is also the event kind. */
public enum FileOperation {
    /** open, openat, openat2 and creat. */
    OPEN,
    /** unlink and unlinkat without AT_REMOVEDIR. */
    UNLINK,
    /** rename, renameat and renameat2. */
    RENAME,
    /** chmod, fchmod and fchmodat. */
    CHMOD,
    /** chown, fchown, lchown and fchownat. */
    CHOWN,
    /** link and linkat (hard links). */
    LINK,
    /** symlink and symlinkat. */
    SYMLINK,
    /** mkdir and mkdirat. */
    MKDIR,
    /** rmdir and unlinkat with AT_REMOVEDIR. */
    RMDIR,
    /** truncate and ftruncate. */
    TRUNCATE,
    /** mknod and mknodat. */
    MKNOD
}
