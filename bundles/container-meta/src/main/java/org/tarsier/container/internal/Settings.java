package org.tarsier.container.internal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The validated configuration of the resolver.
 *
 * @param cgroupRoot cgroup v2 mount point, or empty to find it in /proc/self/mountinfo
 * @param dockerSocket path of Docker's Unix socket, or empty to not use Docker's API
 * @param inspectTimeoutMillis how long a resolve call waits for an inspect of an uncached id
 * @param requestTimeoutMillis timeout of the background requests to Docker's API
 * @param tombstoneSeconds how long removed containers and cgroups still resolve
 * @param unknownCgroupCacheMillis how long an id that a scan did not find stays unknown
 * @param rescanIntervalMillis minimum time between two quick scans
 * @param fullScanIntervalSeconds minimum time between two full scans
 * @param maxScanDirectories maximum number of directories one scan visits
 * @param reconnectMaxSeconds maximum wait between two attempts to reach Docker
 */
record Settings(
        String cgroupRoot,
        String dockerSocket,
        long inspectTimeoutMillis,
        long requestTimeoutMillis,
        long tombstoneSeconds,
        long unknownCgroupCacheMillis,
        long rescanIntervalMillis,
        long fullScanIntervalSeconds,
        int maxScanDirectories,
        long reconnectMaxSeconds) {

    static final String DEFAULT_DOCKER_SOCKET = "/var/run/docker.sock";
    static final long DEFAULT_INSPECT_TIMEOUT_MILLIS = 200;
    static final long DEFAULT_REQUEST_TIMEOUT_MILLIS = 5_000;
    static final long DEFAULT_TOMBSTONE_SECONDS = 60;
    static final long DEFAULT_UNKNOWN_CGROUP_CACHE_MILLIS = 2_000;
    static final long DEFAULT_RESCAN_INTERVAL_MILLIS = 50;
    static final long DEFAULT_FULL_SCAN_INTERVAL_SECONDS = 30;
    static final int DEFAULT_MAX_SCAN_DIRECTORIES = 100_000;
    static final long DEFAULT_RECONNECT_MAX_SECONDS = 30;

    static final Settings DEFAULTS = new Settings("", DEFAULT_DOCKER_SOCKET,
            DEFAULT_INSPECT_TIMEOUT_MILLIS, DEFAULT_REQUEST_TIMEOUT_MILLIS,
            DEFAULT_TOMBSTONE_SECONDS, DEFAULT_UNKNOWN_CGROUP_CACHE_MILLIS,
            DEFAULT_RESCAN_INTERVAL_MILLIS, DEFAULT_FULL_SCAN_INTERVAL_SECONDS,
            DEFAULT_MAX_SCAN_DIRECTORIES, DEFAULT_RECONNECT_MAX_SECONDS);

    /** A rejected property value and what is expected instead. */
    record Problem(String property, Object value, String expected) {
    }

    /**
     * Validates a configuration.
     *
     * @param config the configuration as DS converted it
     * @param raw the raw properties, to quote the value the operator wrote
     * @param problems receives one entry per invalid property
     * @return the settings, or null if any property is invalid
     */
    static Settings validate(ContainerResolverComponent.Config config, Map<String, ?> raw,
            List<Problem> problems) {
        Validator validator = new Validator(raw, problems);
        Settings settings = new Settings(
                validator.cgroupRoot(config::cgroupRoot),
                validator.socket(config::dockerSocket),
                validator.range("inspectTimeoutMillis", config::inspectTimeoutMillis,
                        1, 10_000, "milliseconds"),
                validator.range("requestTimeoutMillis", config::requestTimeoutMillis,
                        100, 300_000, "milliseconds"),
                validator.range("tombstoneSeconds", config::tombstoneSeconds,
                        0, 86_400, "seconds"),
                validator.range("unknownCgroupCacheMillis", config::unknownCgroupCacheMillis,
                        0, 600_000, "milliseconds"),
                validator.range("rescanIntervalMillis", config::rescanIntervalMillis,
                        0, 60_000, "milliseconds"),
                validator.range("fullScanIntervalSeconds", config::fullScanIntervalSeconds,
                        1, 86_400, "seconds"),
                (int) validator.range("maxScanDirectories",
                        () -> (long) config.maxScanDirectories(), 100, 10_000_000, "directories"),
                validator.range("reconnectMaxSeconds", config::reconnectMaxSeconds,
                        1, 3_600, "seconds"));
        return problems.isEmpty() ? settings : null;
    }

    IndexLimits indexLimits() {
        return new IndexLimits(
                TimeUnit.MILLISECONDS.toNanos(rescanIntervalMillis),
                TimeUnit.SECONDS.toNanos(fullScanIntervalSeconds),
                TimeUnit.MILLISECONDS.toNanos(unknownCgroupCacheMillis),
                TimeUnit.SECONDS.toNanos(tombstoneSeconds),
                maxScanDirectories);
    }

    /** Returns whether {@code other} needs a new cgroup index. */
    boolean indexDiffers(Settings other) {
        return !cgroupRoot.equals(other.cgroupRoot) || !indexLimits().equals(other.indexLimits());
    }

    /** Returns whether {@code other} needs a new connection to Docker. */
    boolean dockerDiffers(Settings other) {
        return !dockerSocket.equals(other.dockerSocket)
                || requestTimeoutMillis != other.requestTimeoutMillis
                || reconnectMaxSeconds != other.reconnectMaxSeconds;
    }

    /** Returns the problems of a configuration as lines for the log. */
    static List<String> describe(String pid, List<Problem> problems) {
        List<String> lines = new ArrayList<>();
        for (Problem problem : problems) {
            lines.add("invalid configuration " + pid + ": " + problem.property() + "="
                    + problem.value() + " is rejected, expected " + problem.expected());
        }
        return lines;
    }

    private static final class Validator {
        private final Map<String, ?> raw;
        private final List<Problem> problems;

        private Validator(Map<String, ?> raw, List<Problem> problems) {
            this.raw = raw;
            this.problems = problems;
        }

        String cgroupRoot(Supplier<String> value) {
            String expected = "an absolute path of a cgroup v2 mount (a directory that contains"
                    + " cgroup.controllers), or empty to find the mount in /proc/self/mountinfo";
            String root = text("cgroupRoot", value, expected);
            if (root == null) {
                return "";
            }
            if (!root.isEmpty() && !(root.startsWith("/")
                    && Files.isRegularFile(Path.of(root, "cgroup.controllers")))) {
                problems.add(new Problem("cgroupRoot", root, expected));
            }
            return root;
        }

        String socket(Supplier<String> value) {
            String expected = "an absolute path of Docker's Unix socket, or empty to not use"
                    + " Docker's API";
            String socket = text("dockerSocket", value, expected);
            if (socket == null) {
                return "";
            }
            if (!socket.isEmpty() && !socket.startsWith("/")) {
                problems.add(new Problem("dockerSocket", socket, expected));
            }
            return socket;
        }

        long range(String property, Supplier<Long> value, long min, long max, String unit) {
            String expected = "an integer from " + min + " to " + max + " " + unit;
            long number;
            try {
                number = value.get();
            } catch (RuntimeException e) {
                problems.add(new Problem(property, raw.get(property), expected));
                return min;
            }
            if (!isInteger(raw.get(property))) {
                // A converter that maps unparsable text to 0 would pass the range check.
                problems.add(new Problem(property, raw.get(property), expected));
                return number;
            }
            if (number < min || number > max) {
                Object written = raw.get(property);
                problems.add(new Problem(property, written == null ? number : written, expected));
            }
            return number;
        }

        private static boolean isInteger(Object written) {
            if (written == null || written instanceof Long || written instanceof Integer) {
                return true;
            }
            try {
                Long.parseLong(written.toString().strip());
                return true;
            } catch (NumberFormatException e) {
                return false;
            }
        }

        private String text(String property, Supplier<String> value, String expected) {
            try {
                return value.get().strip();
            } catch (RuntimeException e) {
                problems.add(new Problem(property, raw.get(property), expected));
                return null;
            }
        }
    }
}
