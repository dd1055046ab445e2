package org.tarsier.container.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Runs the index on a real cgroup v2 subtree that each test creates below the host's mount
 * (root is required) and removes afterwards.
 */
class CgroupIndexTest {

    private static final long MILLI = 1_000_000L;
    private static final String ID =
            "1111111111111111111111111111111111111111111111111111111111111111";
    private static final String OTHER_ID =
            "2222222222222222222222222222222222222222222222222222222222222222";
    private static final String POD_UID = "5f8b7a6e-3c2d-4b1a-9e8f-7d6c5b4a3f21";
    private static final IndexLimits LIMITS = new IndexLimits(
            50 * MILLI, 30_000 * MILLI, 2_000 * MILLI, 60_000 * MILLI, 100_000);

    private final AtomicLong clock = new AtomicLong(TimeUnit.HOURS.toNanos(1));
    private final List<Runnable> backgroundTasks = new ArrayList<>();
    private final RecordingLogger log = new RecordingLogger();
    private Path mount;
    private Path root;

    @BeforeEach
    void createSubtree() throws IOException {
        mount = CgroupMounts.findCgroup2Mount().orElseThrow();
        root = Files.createDirectory(mount.resolve("tarsier-cm-test-" + UUID.randomUUID()));
    }

    @AfterEach
    void removeSubtree() throws IOException {
        // cgroup directories are removed with rmdir, leaves first; their files go with them.
        try (Stream<Path> walk = Files.walk(root)) {
            List<Path> directories = walk.filter(Files::isDirectory)
                    .sorted(Comparator.comparingInt(Path::getNameCount).reversed()).toList();
            for (Path directory : directories) {
                Files.delete(directory);
            }
        }
    }

    @Test
    void fullScanFindsExistingCgroup() throws IOException {
        long id = mkdir("docker/" + ID);

        CgroupIndex index = index(root, LIMITS);
        index.fullScan();

        assertEquals("/docker/" + ID, index.lookup(id));
    }

    @Test
    void quickScanFindsContainerCreatedAfterFullScan() throws IOException {
        mkdir("docker");
        CgroupIndex index = index(root, LIMITS);
        index.fullScan();

        long id = mkdir("docker/" + ID);

        assertEquals("/docker/" + ID, index.lookup(id), "path");
        assertEquals(1, index.quickScanCount(), "quick scans");
        assertEquals(1, index.fullScanCount(), "full scans");
    }

    @Test
    void quickScanFindsNewPodAndItsContainer() throws IOException {
        mkdir("kubepods/burstable");
        CgroupIndex index = index(root, LIMITS);
        index.fullScan();

        long id = mkdir("kubepods/burstable/pod" + POD_UID + "/" + ID);

        assertEquals("/kubepods/burstable/pod" + POD_UID + "/" + ID, index.lookup(id));
    }

    @Test
    void quickScanFindsSiblingUnderCustomParent() throws IOException {
        mkdir("ci-jobs/" + ID);
        CgroupIndex index = index(root, LIMITS);
        index.fullScan();

        long id = mkdir("ci-jobs/" + OTHER_ID);

        assertEquals("/ci-jobs/" + OTHER_ID, index.lookup(id), "path");
        assertEquals(1, index.fullScanCount(), "full scans");
    }

    @Test
    void missRequestsOneBackgroundFullScan() throws IOException {
        CgroupIndex index = index(root, LIMITS);
        index.fullScan();
        clock.addAndGet(LIMITS.fullScanIntervalNanos());

        assertNull(index.lookup(Long.MAX_VALUE - 1), "unknown id");
        assertNull(index.lookup(Long.MAX_VALUE - 2), "second unknown id");

        assertEquals(1, backgroundTasks.size(), "full scans requested");
    }

    @Test
    void fullScanFindsCgroupOutsideWatchedParents() throws IOException {
        CgroupIndex index = index(root, LIMITS);
        index.fullScan();
        clock.addAndGet(LIMITS.fullScanIntervalNanos());
        long id = mkdir("user.slice/user-0.slice/session-9.scope");

        assertNull(index.lookup(id), "before the full scan");
        backgroundTasks.forEach(Runnable::run);

        assertEquals("/user.slice/user-0.slice/session-9.scope", index.lookup(id));
    }

    @Test
    void unknownIdIsNotRescannedWithinTtl() throws IOException {
        CgroupIndex index = index(root, LIMITS);
        index.fullScan();

        index.lookup(Long.MAX_VALUE - 1);
        clock.addAndGet(LIMITS.quickScanIntervalNanos());
        index.lookup(Long.MAX_VALUE - 1);

        assertEquals(1, index.quickScanCount());
    }

    @Test
    void unknownIdIsRescannedAfterTtl() throws IOException {
        CgroupIndex index = index(root, LIMITS);
        index.fullScan();

        index.lookup(Long.MAX_VALUE - 1);
        clock.addAndGet(LIMITS.missTtlNanos());
        index.lookup(Long.MAX_VALUE - 1);

        assertEquals(2, index.quickScanCount());
    }

    @Test
    void quickScansAreRateLimited() throws IOException {
        mkdir("docker");
        CgroupIndex index = index(root, LIMITS);
        index.fullScan();
        index.lookup(Long.MAX_VALUE - 1);

        long id = mkdir("docker/" + ID);
        assertNull(index.lookup(id), "within the rescan interval");

        clock.addAndGet(LIMITS.quickScanIntervalNanos());
        assertEquals("/docker/" + ID, index.lookup(id), "after the rescan interval");
    }

    @Test
    void removedCgroupResolvesUntilRetentionEnds() throws IOException {
        long id = mkdir("docker/" + ID);
        CgroupIndex index = index(root, LIMITS);
        index.fullScan();

        Files.delete(root.resolve("docker/" + ID));
        clock.addAndGet(LIMITS.retentionNanos() - MILLI);
        index.sweep();
        assertEquals("/docker/" + ID, index.lookup(id), "within the retention");

        clock.addAndGet(2 * MILLI);
        index.sweep();
        assertNull(index.cachedPath(id), "after the retention");
    }

    @Test
    void registeredProcessIsFoundWithoutScan() throws Exception {
        Path cgroup = Files.createDirectory(root.resolve(ID));
        long id = (Long) Files.getAttribute(cgroup, "unix:ino");
        Process sleep = new ProcessBuilder("sleep", "30").start();
        try {
            Files.writeString(cgroup.resolve("cgroup.procs"), Long.toString(sleep.pid()));
            CgroupIndex index = index(mount, LIMITS);

            index.registerProcess((int) sleep.pid());

            assertEquals("/" + mount.relativize(cgroup), index.cachedPath(id), "path");
            assertEquals(0, index.quickScanCount() + index.fullScanCount(), "scans");
        } finally {
            sleep.destroy();
            sleep.waitFor(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void fullScanStopsAtDirectoryBound() throws IOException {
        for (int i = 0; i < 10; i++) {
            mkdir("many/" + i);
        }
        CgroupIndex index = index(root, new IndexLimits(
                LIMITS.quickScanIntervalNanos(), LIMITS.fullScanIntervalNanos(),
                LIMITS.missTtlNanos(), LIMITS.retentionNanos(), 5));

        index.fullScan();

        assertTrue(index.paths().size() <= 6, "cgroups recorded: " + index.paths().size());
        assertEquals(1, log.messages("warn").size(), "warnings");
    }

    private CgroupIndex index(Path indexRoot, IndexLimits limits) {
        return new CgroupIndex(indexRoot, limits, clock::get, backgroundTasks::add,
                log.logger());
    }

    private long mkdir(String relative) throws IOException {
        Path directory = Files.createDirectories(root.resolve(relative));
        return (Long) Files.getAttribute(directory, "unix:ino");
    }
}
