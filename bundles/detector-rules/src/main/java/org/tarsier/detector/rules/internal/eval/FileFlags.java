package org.tarsier.detector.rules.internal.eval;

import java.util.ArrayList;
import java.util.List;

/** Renders open flags and mode bits as Falco prints them, e.g. {@code O_WRONLY|O_CREAT}. */
final class FileFlags {

    private static final String[] OPEN_NAMES = {"O_CREAT", "O_EXCL", "O_NOCTTY", "O_TRUNC",
        "O_APPEND", "O_NONBLOCK", "O_DSYNC", "O_DIRECTORY", "O_NOFOLLOW", "O_CLOEXEC",
        "O_TMPFILE"};
    /** Linux values on x86_64 and arm64, in the order of {@link #OPEN_NAMES}. */
    private static final int[] OPEN_BITS = {0100, 0200, 0400, 01000, 02000, 04000, 010000,
        0200000, 0400000, 02000000, 020000000};

    private static final String[] MODE_NAMES = {"S_ISUID", "S_ISGID", "S_ISVTX", "S_IRUSR",
        "S_IWUSR", "S_IXUSR", "S_IRGRP", "S_IWGRP", "S_IXGRP", "S_IROTH", "S_IWOTH", "S_IXOTH"};
    private static final int[] MODE_BITS = {04000, 02000, 01000, 0400, 0200, 0100, 040, 020,
        010, 04, 02, 01};

    private FileFlags() {
    }

    static String openFlags(int flags) {
        List<String> names = new ArrayList<>();
        names.add(switch (flags & 3) {
            case 1 -> "O_WRONLY";
            case 2 -> "O_RDWR";
            default -> "O_RDONLY";
        });
        for (int i = 0; i < OPEN_BITS.length; i++) {
            if ((flags & OPEN_BITS[i]) == OPEN_BITS[i]) {
                names.add(OPEN_NAMES[i]);
            }
        }
        return String.join("|", names);
    }

    static String mode(int mode) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < MODE_BITS.length; i++) {
            if ((mode & MODE_BITS[i]) != 0) {
                names.add(MODE_NAMES[i]);
            }
        }
        return names.isEmpty() ? "0" : String.join("|", names);
    }
}
