package org.tarsier.container.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Finds the cgroup v2 mount point in {@code /proc/self/mountinfo}.
 *
 * <p>A pure cgroup v2 host mounts it at {@code /sys/fs/cgroup}; a hybrid host (systemd with v1
 * controllers) at {@code /sys/fs/cgroup/unified}. When several cgroup2 mounts exist, for example
 * a bind mount inside a container, a mount of the hierarchy's root ({@code /}) wins, and among
 * those the standard places come first.
 */
final class CgroupMounts {

    static final Path MOUNTINFO = Path.of("/proc/self/mountinfo");

    private static final List<String> PREFERRED =
            List.of("/sys/fs/cgroup", "/sys/fs/cgroup/unified");

    private CgroupMounts() {
    }

    /** Reads {@code /proc/self/mountinfo} and returns the cgroup v2 mount point, if any. */
    static Optional<Path> findCgroup2Mount() throws IOException {
        return findCgroup2Mount(Files.readAllLines(MOUNTINFO));
    }

    /** Returns the cgroup v2 mount point among the lines of a mountinfo file. */
    static Optional<Path> findCgroup2Mount(List<String> mountinfoLines) {
        List<Mount> mounts = new ArrayList<>();
        for (String line : mountinfoLines) {
            Mount mount = parseLine(line);
            if (mount != null && "cgroup2".equals(mount.fsType())) {
                mounts.add(mount);
            }
        }
        return mounts.stream()
                .min(Comparator.comparingInt(CgroupMounts::rank))
                .map(mount -> Path.of(mount.mountPoint()));
    }

    private static int rank(Mount mount) {
        int place = PREFERRED.indexOf(mount.mountPoint());
        int placeRank = place >= 0 ? place : PREFERRED.size();
        return "/".equals(mount.root()) ? placeRank : PREFERRED.size() + 1 + placeRank;
    }

    /**
     * Parses one line: id, parent id, major:minor, root, mount point, options, optional fields
     * ended by a single {@code -}, then file system type, source and super options.
     */
    private static Mount parseLine(String line) {
        String[] fields = line.trim().split(" ");
        if (fields.length < 10) {
            return null;
        }
        int separator = -1;
        for (int i = 6; i < fields.length; i++) {
            if ("-".equals(fields[i])) {
                separator = i;
                break;
            }
        }
        if (separator < 0 || separator + 1 >= fields.length) {
            return null;
        }
        return new Mount(unescape(fields[3]), unescape(fields[4]), fields[separator + 1]);
    }

    /** Decodes the octal escapes ({@code \040} for a space) that the kernel writes in paths. */
    static String unescape(String field) {
        if (field.indexOf('\\') < 0) {
            return field;
        }
        StringBuilder out = new StringBuilder(field.length());
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c == '\\' && isOctal(field, i + 1)) {
                out.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static boolean isOctal(String field, int start) {
        if (start + 3 > field.length()) {
            return false;
        }
        for (int i = start; i < start + 3; i++) {
            char c = field.charAt(i);
            if (c < '0' || c > '7') {
                return false;
            }
        }
        return true;
    }

    private record Mount(String root, String mountPoint, String fsType) {
    }
}
