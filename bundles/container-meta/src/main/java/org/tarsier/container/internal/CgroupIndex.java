package org.tarsier.container.internal;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;

import org.osgi.service.log.Logger;
import org.tarsier.api.log.RateLimiter;

/**
 * Maps cgroup v2 ids to cgroup paths by the inode numbers of the cgroup directories.
 *
 * <p>A full scan walks the whole hierarchy and stats every cgroup on the host. The component runs
 * one at start. After that, misses request one at most once per full-scan interval, and it runs
 * on a background executor. A lookup that misses the cache first runs a quick scan, which lists
 * only the directories that contain container or pod cgroups ({@code /docker},
 * {@code /system.slice}, the kubepods QoS and pod cgroups, and every parent where a container was
 * seen) and stats only new entries. Quick scans run at most once per quick-scan interval. An id
 * that a quick scan did not find is remembered as unknown for the miss TTL, so a stream of events
 * from an unknown cgroup costs one scan, not one per event.
 *
 * <p>Paths are relative to the mount point and start with {@code /}, as in
 * {@code /proc/<pid>/cgroup}. Entries of removed cgroups stay until a sweep finds them gone for
 * longer than the retention, so late events of a removed container still resolve.
 */
final class CgroupIndex {

    /** Parents where runtimes create container and pod cgroups, watched even before a scan. */
    private static final List<String> KNOWN_PARENTS = List.of(
            "/docker",
            "/system.slice",
            "/machine.slice",
            "/libpod_parent",
            "/kubepods",
            "/kubepods/burstable",
            "/kubepods/besteffort",
            "/kubepods.slice",
            "/kubepods.slice/kubepods-burstable.slice",
            "/kubepods.slice/kubepods-besteffort.slice");

    /**
     * Names of cgroup v2 interface files (cgroup.procs, memory.max, cpu.stat …), skipped without
     * a stat because Java cannot read the entry type from the directory listing. A directory
     * named like this cannot be a container cgroup, so only containers nested below such a
     * directory would be missed.
     */
    private static final Pattern INTERFACE_FILE = Pattern.compile(
            "(?:cgroup|cpu|cpuset|dmem|hugetlb|io|irq|memory|misc|pids|rdma)\\.[a-z0-9_.]+");

    /** Depth that a quick scan registers below a new directory: pod, container, nested cgroup. */
    private static final int NEW_DIRECTORY_DEPTH = 3;

    private static final int MAX_DEPTH = 32;

    private final Path root;
    private final IndexLimits limits;
    private final LongSupplier nanoClock;
    private final Executor background;
    private final Logger logger;
    private final RateLimiter rateLimiter = new RateLimiter(60_000);

    private final Map<Long, Entry> byId = new ConcurrentHashMap<>();
    private final Map<String, Long> byPath = new ConcurrentHashMap<>();
    private final Set<String> watchedParents = ConcurrentHashMap.newKeySet();
    /** Interface files in watched parents that the name pattern missed, so they are not statted. */
    private final Set<String> interfaceFiles = ConcurrentHashMap.newKeySet();
    private final Map<Long, Long> missExpiries = new ConcurrentHashMap<>();

    private final Object quickScanLock = new Object();
    private long lastQuickScanNanos;
    private final AtomicBoolean fullScanRunning = new AtomicBoolean();
    private volatile long lastFullScanNanos;
    private final AtomicLong quickScans = new AtomicLong();
    private final AtomicLong fullScans = new AtomicLong();

    CgroupIndex(Path root, IndexLimits limits, LongSupplier nanoClock, Executor background,
            Logger logger) {
        this.root = root;
        this.limits = limits;
        this.nanoClock = nanoClock;
        this.background = background;
        this.logger = logger;
        this.watchedParents.addAll(KNOWN_PARENTS);
        long now = nanoClock.getAsLong();
        this.lastQuickScanNanos = now - limits.quickScanIntervalNanos();
        this.lastFullScanNanos = now - limits.fullScanIntervalNanos();
    }

    Path root() {
        return root;
    }

    /** Returns the cached path of a cgroup id without scanning, or null. */
    String cachedPath(long cgroupId) {
        Entry entry = byId.get(cgroupId);
        return entry == null ? null : entry.path;
    }

    /**
     * Returns the path of a cgroup id, or null if it is unknown. A cache miss runs a quick scan
     * when one is due. If that does not find the id, a background full scan is requested.
     */
    String lookup(long cgroupId) {
        String path = cachedPath(cgroupId);
        if (path != null || isKnownMiss(cgroupId)) {
            return path;
        }
        long requested = nanoClock.getAsLong();
        boolean scanned = quickScanIfDue(requested);
        path = cachedPath(cgroupId);
        if (path != null) {
            return path;
        }
        if (scanned) {
            rememberMiss(cgroupId, requested);
        }
        requestFullScan();
        return null;
    }

    /** Walks the whole hierarchy within the directory bound and records every cgroup. */
    void fullScan() {
        if (!fullScanRunning.compareAndSet(false, true)) {
            return;
        }
        try {
            lastFullScanNanos = nanoClock.getAsLong();
            fullScans.incrementAndGet();
            register("/");
            walk("/", MAX_DEPTH, limits.maxScanDirectories());
        } finally {
            fullScanRunning.set(false);
        }
    }

    /** Records the cgroup of a running process from {@code /proc/<pid>/cgroup}. */
    void registerProcess(int pid) {
        Path file = Path.of("/proc", Integer.toString(pid), "cgroup");
        try {
            for (String line : Files.readAllLines(file)) {
                if (line.startsWith("0::/")) {
                    register(line.substring(3));
                    return;
                }
            }
        } catch (IOException e) {
            // The process exited before its cgroup was read; scans find the cgroup instead.
            logger.debug("cannot read {}: {}", file, e.toString());
        }
    }

    /**
     * Removes entries whose directory has been gone for longer than the retention, and expired
     * misses. Stats only the entries not seen during the retention.
     */
    void sweep() {
        long now = nanoClock.getAsLong();
        missExpiries.values().removeIf(expiry -> expiry - now <= 0);
        for (Map.Entry<Long, Entry> mapping : byId.entrySet()) {
            Entry entry = mapping.getValue();
            if (now - entry.seenNanos < limits.retentionNanos()) {
                continue;
            }
            Long id = inode(entry.path);
            if (id == null) {
                byId.remove(mapping.getKey(), entry);
                byPath.remove(entry.path, mapping.getKey());
            } else if (id.equals(mapping.getKey())) {
                entry.seenNanos = now;
            } else {
                register(entry.path);
            }
        }
    }

    /** Runs a quick scan now unless one ran within the quick-scan interval. */
    void refresh() {
        quickScanIfDue(nanoClock.getAsLong());
    }

    /** Returns whether the cgroup directory at {@code path} exists now. */
    boolean exists(String path) {
        return Files.isDirectory(resolve(path), LinkOption.NOFOLLOW_LINKS);
    }

    /** Returns the paths of all cached cgroups. */
    List<String> paths() {
        return new ArrayList<>(byPath.keySet());
    }

    long quickScanCount() {
        return quickScans.get();
    }

    long fullScanCount() {
        return fullScans.get();
    }

    private boolean quickScanIfDue(long requested) {
        synchronized (quickScanLock) {
            if (lastQuickScanNanos - requested > 0) {
                return true;
            }
            long now = nanoClock.getAsLong();
            if (now - lastQuickScanNanos < limits.quickScanIntervalNanos()) {
                return false;
            }
            lastQuickScanNanos = now;
            quickScans.incrementAndGet();
            quickScan();
            return true;
        }
    }

    private void quickScan() {
        int budget = limits.maxScanDirectories();
        for (String parent : List.copyOf(watchedParents)) {
            // Most known parents are absent on a given host, and a stat costs less than a failed listing.
            if (!exists(parent)) {
                unwatch(parent);
                continue;
            }
            List<String> children;
            try {
                children = entries(parent);
            } catch (NoSuchFileException e) {
                unwatch(parent);
                continue;
            } catch (IOException e) {
                warn("list-" + parent, "cannot list cgroup directory " + resolve(parent), e);
                continue;
            }
            for (String child : children) {
                Long id = byPath.get(child);
                if (id != null) {
                    touch(id);
                } else if (!isInterfaceFile(child) && !interfaceFiles.contains(child)) {
                    budget -= scanNew(child, budget);
                }
                if (budget <= 0) {
                    return;
                }
            }
        }
    }

    /** Registers a new entry of a watched parent and what lies below it; returns the count. */
    private int scanNew(String path, int budget) {
        if (registerIfDirectory(path) == null) {
            interfaceFiles.add(path);
            return 0;
        }
        return 1 + walk(path, NEW_DIRECTORY_DEPTH - 1, budget - 1);
    }

    private void unwatch(String parent) {
        if (!KNOWN_PARENTS.contains(parent)) {
            watchedParents.remove(parent);
        }
        interfaceFiles.removeIf(path -> path.startsWith(parent + "/"));
    }

    /**
     * Registers the directories below {@code start}, breadth first, up to {@code maxDepth} levels
     * and {@code maxDirectories} directories; returns how many it registered.
     */
    private int walk(String start, int maxDepth, int maxDirectories) {
        ArrayDeque<String> queue = new ArrayDeque<>();
        ArrayDeque<Integer> depths = new ArrayDeque<>();
        queue.add(start);
        depths.add(0);
        int registered = 0;
        while (!queue.isEmpty()) {
            String path = queue.poll();
            int depth = depths.poll();
            if (depth >= maxDepth) {
                continue;
            }
            List<String> children;
            try {
                children = entries(path);
            } catch (IOException e) {
                continue;
            }
            for (String child : children) {
                if (registered >= maxDirectories) {
                    warn("scan-bound", "cgroup scan below " + resolve(start) + " stopped after "
                            + maxDirectories + " directories (maxScanDirectories)", null);
                    return registered;
                }
                if (!isInterfaceFile(child) && registerIfDirectory(child) != null) {
                    registered++;
                    queue.add(child);
                    depths.add(depth + 1);
                }
            }
        }
        return registered;
    }

    /** Stats a cgroup directory and records it; returns its id, or null if it is gone. */
    private Long register(String path) {
        Long id = inode(path);
        if (id != null) {
            record(path, id);
        }
        return id;
    }

    /** Records {@code path} if it is a directory; returns its id, or null for files and errors. */
    private Long registerIfDirectory(String path) {
        Map<String, Object> attributes;
        try {
            attributes = Files.readAttributes(
                    resolve(path), "unix:ino,isDirectory", LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            return null;
        }
        if (!Boolean.TRUE.equals(attributes.get("isDirectory"))) {
            return null;
        }
        Long id = (Long) attributes.get("ino");
        record(path, id);
        return id;
    }

    private void record(String path, Long id) {
        Long previous = byPath.put(path, id);
        if (previous != null && !previous.equals(id)) {
            byId.remove(previous);
        }
        byId.put(id, new Entry(path, nanoClock.getAsLong()));
        missExpiries.remove(id);
        watchIfContainerParent(path);
    }

    private void watchIfContainerParent(String path) {
        CgroupIdentity identity = CgroupPathParser.parse(path);
        if (identity.isHost()) {
            return;
        }
        watchedParents.add(parentOf(path));
        if (identity.containers().isEmpty()) {
            // A pod cgroup: its containers are created inside it.
            watchedParents.add(path);
        }
    }

    private void touch(long id) {
        Entry entry = byId.get(id);
        if (entry != null) {
            entry.seenNanos = nanoClock.getAsLong();
        }
    }

    private Long inode(String path) {
        try {
            return (Long) Files.getAttribute(resolve(path), "unix:ino");
        } catch (IOException e) {
            return null;
        }
    }

    /** Lists the paths of all entries, directories and interface files, of a cgroup. */
    private List<String> entries(String parent) throws IOException {
        List<String> children = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(resolve(parent))) {
            for (Path child : stream) {
                children.add(join(parent, child.getFileName().toString()));
            }
        }
        return children;
    }

    private boolean isKnownMiss(long cgroupId) {
        Long expiry = missExpiries.get(cgroupId);
        if (expiry == null) {
            return false;
        }
        if (expiry - nanoClock.getAsLong() > 0) {
            return true;
        }
        missExpiries.remove(cgroupId, expiry);
        return false;
    }

    private void rememberMiss(long cgroupId, long requested) {
        if (missExpiries.size() >= limits.maxScanDirectories()) {
            long now = nanoClock.getAsLong();
            missExpiries.values().removeIf(expiry -> expiry - now <= 0);
        }
        if (missExpiries.size() < limits.maxScanDirectories()) {
            missExpiries.put(cgroupId, requested + limits.missTtlNanos());
        }
    }

    private void requestFullScan() {
        long now = nanoClock.getAsLong();
        if (now - lastFullScanNanos < limits.fullScanIntervalNanos() || fullScanRunning.get()) {
            return;
        }
        lastFullScanNanos = now;
        try {
            background.execute(this::fullScan);
        } catch (RejectedExecutionException e) {
            // The component is stopping.
            logger.debug("full cgroup scan not started: {}", e.toString());
        }
    }

    private void warn(String key, String message, Exception e) {
        if (rateLimiter.permit(key)) {
            long suppressed = rateLimiter.suppressed(key);
            String repeats = suppressed > 0 ? " (" + suppressed + " more since the last one)" : "";
            if (e == null) {
                logger.warn(message + repeats);
            } else {
                logger.warn(message + repeats + ": " + e, e);
            }
        }
    }

    private static boolean isInterfaceFile(String path) {
        return INTERFACE_FILE.matcher(path.substring(path.lastIndexOf('/') + 1)).matches();
    }

    private Path resolve(String path) {
        return "/".equals(path) ? root : root.resolve(path.substring(1));
    }

    private static String join(String parent, String name) {
        return "/".equals(parent) ? "/" + name : parent + "/" + name;
    }

    static String parentOf(String path) {
        int slash = path.lastIndexOf('/');
        return slash <= 0 ? "/" : path.substring(0, slash);
    }

    private static final class Entry {
        private final String path;
        private volatile long seenNanos;

        private Entry(String path, long seenNanos) {
            this.path = path;
            this.seenNanos = seenNanos;
        }
    }
}
