package org.tarsier.probe.file.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The host's mount namespace, which tells host tasks from container tasks in the kernel.
 * Container runtimes give every container its own mount namespace.
 */
final class HostNamespace {

    static final Path INIT_LINK = Path.of("/proc/1/ns/mnt");
    static final Path SELF_LINK = Path.of("/proc/self/ns/mnt");

    private static final Pattern NAMESPACE_LINK = Pattern.compile("mnt:\\[(\\d+)]");

    private HostNamespace() {
    }

    /**
     * The mount namespace taken as the host's.
     *
     * @param inode its inode number
     * @param source the namespace link it was read from
     */
    record MountNamespace(int inode, Path source) {
    }

    /**
     * Returns the mount namespace of PID 1, the host's init when the agent runs in the host's
     * PID namespace. Where /proc/1/ns/mnt cannot be read (some sandboxes deny it even to
     * root), returns the agent's own mount namespace instead.
     *
     * @throws IOException if neither link can be read
     */
    static MountNamespace host() throws IOException {
        try {
            return read(INIT_LINK);
        } catch (IOException e) {
            return read(SELF_LINK);
        }
    }

    private static MountNamespace read(Path link) throws IOException {
        return new MountNamespace(inodeOf(Files.readSymbolicLink(link).toString()), link);
    }

    /** Parses a namespace link such as {@code mnt:[4026531841]}. */
    static int inodeOf(String link) throws IOException {
        Matcher matcher = NAMESPACE_LINK.matcher(link);
        if (!matcher.matches()) {
            throw new IOException("unexpected mount namespace link " + link
                    + ": expected mnt:[inode]");
        }
        return Integer.parseUnsignedInt(matcher.group(1));
    }
}
