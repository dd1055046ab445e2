package org.tarsier.detector.rules.internal.eval;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * User and group names from the host's {@code /etc/passwd} and {@code /etc/group}, read once.
 *
 * <p>NOTE: a uid inside a container is named after the host's files, which can differ from the
 * container's own {@code /etc/passwd}; an unknown id is shown as its number.
 */
public final class UserNames {

    private final Map<Integer, String> users;
    private final Map<Integer, String> groups;

    private UserNames(Map<Integer, String> users, Map<Integer, String> groups) {
        this.users = users;
        this.groups = groups;
    }

    /** Reads the host's files; a file that cannot be read leaves every id unnamed. */
    public static UserNames readHost() {
        return new UserNames(read(Path.of("/etc/passwd")), read(Path.of("/etc/group")));
    }

    /** Returns names from the given maps, for tests. */
    public static UserNames of(Map<Integer, String> users, Map<Integer, String> groups) {
        return new UserNames(Map.copyOf(users), Map.copyOf(groups));
    }

    /** Returns the user name of {@code uid}, or the uid as text. */
    public String user(int uid) {
        return users.getOrDefault(uid, Integer.toString(uid));
    }

    /** Returns the group name of {@code gid}, or the gid as text. */
    public String group(int gid) {
        return groups.getOrDefault(gid, Integer.toString(gid));
    }

    private static Map<Integer, String> read(Path file) {
        Map<Integer, String> names = new HashMap<>();
        try {
            for (String line : Files.readAllLines(file)) {
                String[] parts = line.split(":");
                if (parts.length >= 3) {
                    try {
                        names.putIfAbsent(Integer.parseInt(parts[2]), parts[0]);
                    } catch (NumberFormatException e) {
                        // A malformed line is skipped and the other lines still apply.
                    }
                }
            }
        } catch (IOException e) {
            return Map.of();
        }
        return Map.copyOf(names);
    }
}
