package org.tarsier.console.internal.shell;

import java.io.IOException;
import java.net.ConnectException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Objects;
import java.util.Set;

/** File system steps around the shell socket: its folder, a stale socket file, its mode. */
final class SocketFiles {

    /** Mode of folders created for the socket: only the owner may enter them. */
    static final Set<PosixFilePermission> FOLDER_MODE =
            PosixFilePermissions.fromString("rwx------");

    /** Mode of the socket file: only the owner may connect. */
    static final Set<PosixFilePermission> SOCKET_MODE =
            PosixFilePermissions.fromString("rw-------");

    private SocketFiles() {
    }

    /**
     * Creates the missing folders above the socket with mode 0700; folders that exist keep their
     * mode.
     */
    static void createFolders(Path socket) throws IOException {
        Path folder = socket.toAbsolutePath().getParent();
        if (folder != null && !Files.isDirectory(folder)) {
            Files.createDirectories(folder, PosixFilePermissions.asFileAttribute(FOLDER_MODE));
        }
    }

    /**
     * Deletes a socket file that no process listens on, as a crashed agent leaves behind.
     *
     * @return whether a stale socket file was deleted
     * @throws FileAlreadyExistsException if a process listens on the socket, or the path exists
     *     and is not a socket
     */
    static boolean deleteStale(Path socket) throws IOException {
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(
                    socket, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return false;
        }
        // Sockets are neither regular files, folders nor links: "other" on Linux.
        if (!attributes.isOther()) {
            throw new FileAlreadyExistsException(socket.toString(), null,
                    "the path exists and is not a socket; remove it or set another socket.path");
        }
        if (isListening(socket)) {
            throw new FileAlreadyExistsException(socket.toString(), null,
                    "another process listens on this socket; stop it or set another socket.path");
        }
        // NOTE: a process that binds the path between the check above and this delete loses its
        // socket file. Only a second agent started at the same moment with the same path can.
        Files.deleteIfExists(socket);
        return true;
    }

    /** Returns the identity (device and inode on Linux) of a file, for {@link #deleteIfSame}. */
    static Object fileKey(Path file) throws IOException {
        return Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
                .fileKey();
    }

    /**
     * Deletes the socket file if it is still the one with the given identity, so that a socket
     * bound since by another process stays.
     */
    static void deleteIfSame(Path socket, Object fileKey) throws IOException {
        try {
            if (Objects.equals(fileKey(socket), fileKey)) {
                Files.deleteIfExists(socket);
            }
        } catch (NoSuchFileException e) {
            // Already removed, for example by an operator cleaning up by hand.
        }
    }

    private static boolean isListening(Path socket) throws IOException {
        try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            probe.connect(UnixDomainSocketAddress.of(socket));
            return true;
        } catch (ConnectException e) {
            return false;
        }
    }
}
