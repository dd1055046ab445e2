package org.tarsier.api.event;

import org.tarsier.api.container.ContainerInfo;

/**
 * A file system operation, successful or not.
 *
 * <p>Paths are absolute and as the process sees them: a relative path is resolved against the
 * process's working directory or the directory file descriptor, within the process's root, so
 * a path in a container is the path inside the container. For a successful OPEN the path is
 * the opened file's, read from the new file descriptor, so symbolic links are resolved as the
 * kernel followed them; {@code requestedPath} keeps the path as the process gave it.
 *
 * @param header the calling task
 * @param container the container of the task
 * @param operation what was done
 * @param path the file operated on; for a successful OPEN the opened file with symbolic links
 *     resolved; for RENAME the old path, for LINK and SYMLINK the new link
 * @param targetPath for RENAME the new path, for LINK the existing file, for SYMLINK the link's
 *     content as given (not resolved); empty otherwise
 * @param flags open flags for OPEN, renameat2 flags for RENAME, AT_* flags otherwise
 * @param mode permission bits for OPEN with O_CREAT, CHMOD, MKDIR and MKNOD; 0 otherwise
 * @param ownerUid new owner for CHOWN, -1 when unchanged or not a CHOWN
 * @param ownerGid new group for CHOWN, -1 when unchanged or not a CHOWN
 * @param result return value; negative values are {@code -errno}
 * @param error errno name such as {@code EACCES} when {@code result} is negative, else empty
 * @param requestedPath the path as the process gave it, made absolute and normalised without
 *     following symbolic links; equal to {@code path} unless a successful OPEN resolved one
 */
public record FileEvent(
        EventHeader header,
        ContainerInfo container,
        FileOperation operation,
        String path,
        String targetPath,
        int flags,
        int mode,
        int ownerUid,
        int ownerGid,
        long result,
        String error,
        String requestedPath)
        implements Event {

    /** O_WRONLY, O_RDWR, O_CREAT, O_TRUNC and O_APPEND on x86_64 and arm64. */
    private static final int WRITE_FLAGS = 01 | 02 | 0100 | 01000 | 02000;

    /** Creates an event whose {@code requestedPath} equals its {@code path}. */
    public FileEvent(EventHeader header, ContainerInfo container, FileOperation operation,
            String path, String targetPath, int flags, int mode, int ownerUid, int ownerGid,
            long result, String error) {
        this(header, container, operation, path, targetPath, flags, mode, ownerUid, ownerGid,
                result, error, path);
    }

    @Override
    public String probe() {
        return "file";
    }

    @Override
    public String kind() {
        return operation.name();
    }

    /** Returns whether the kernel rejected the operation. */
    public boolean failed() {
        return result < 0;
    }

    /** Returns whether the operation changes the file system: every operation but a read-only open. */
    public boolean writeIntent() {
        return operation != FileOperation.OPEN || (flags & WRITE_FLAGS) != 0;
    }
}
