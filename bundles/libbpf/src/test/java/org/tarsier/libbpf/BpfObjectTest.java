package org.tarsier.libbpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/** Loads the sample object into the running kernel; needs root (or CAP_BPF and CAP_PERFMON). */
class BpfObjectTest {

    private static final int MAGIC = 0x7A25_1E50;
    private static final long WIDE = 0x1234_5678_9ABCL << 8;
    private static final byte[] KEY_ZERO = intBytes(0);

    @Test
    void recordsCarryGlobalsThroughRingBuffer() throws Exception {
        try (BpfObject object = SampleObject.openForThisProcess(MAGIC, WIDE)) {
            object.load();
            object.attachAll();
            List<long[]> records = new ArrayList<>();
            RingBuffer ringBuffer = object.ringBuffer("records", record -> records.add(new long[] {
                record.get(ValueLayout.JAVA_INT, 0),
                record.get(ValueLayout.JAVA_INT, 4),
                record.get(ValueLayout.JAVA_LONG, 8),
                record.get(ValueLayout.JAVA_LONG, 16),
                record.byteSize()}));

            for (int i = 0; i < 3; i++) {
                SampleObject.getppid();
            }
            pollUntil(ringBuffer, () -> records.size() >= 3);

            assertEquals(3, records.size());
            for (int i = 0; i < 3; i++) {
                long[] record = records.get(i);
                assertEquals(MAGIC, (int) record[0], "magic");
                assertEquals(ProcessHandle.current().pid(), record[1], "pid");
                assertEquals(i + 1, record[2], "sequence");
                assertEquals(WIDE, record[3], "wide");
                assertEquals(24, record[4], "record size");
            }
        }
    }

    @Test
    void hashMapSupportsLookupUpdateDeleteAndIteration() throws Exception {
        try (BpfObject object = SampleObject.openForThisProcess(MAGIC, WIDE)) {
            object.load();
            object.attachAll();
            SampleObject.getppid();
            SampleObject.getppid();
            BpfMap counts = object.map("counts");

            assertEquals(2L, longOf(counts.lookup(KEY_ZERO).orElseThrow()));
            counts.update(intBytes(7), longBytes(42), BpfMap.UPDATE_NO_EXIST);
            assertEquals(42L, longOf(counts.lookup(intBytes(7)).orElseThrow()));
            BpfException exists = assertThrows(BpfException.class,
                    () -> counts.update(intBytes(7), longBytes(1), BpfMap.UPDATE_NO_EXIST));
            assertEquals("failed to update map counts of sample.bpf.o: EEXIST",
                    exists.getMessage());

            List<Integer> keys = counts.keys().stream().map(BpfObjectTest::intOf).sorted().toList();
            assertEquals(List.of(0, 7), keys);

            assertTrue(counts.delete(intBytes(7)), "first delete");
            assertFalse(counts.delete(intBytes(7)), "second delete");
            assertEquals(Optional.empty(), counts.lookup(intBytes(7)).map(BpfObjectTest::longOf));
        }
    }

    @Test
    void perCpuLookupSplitsByCpu() throws Exception {
        try (BpfObject object = SampleObject.openForThisProcess(MAGIC, WIDE)) {
            object.load();
            object.attachAll();
            for (int i = 0; i < 5; i++) {
                SampleObject.getppid();
            }
            BpfMap perCpu = object.map("per_cpu_counts");

            List<byte[]> values = perCpu.lookupPerCpu(KEY_ZERO).orElseThrow();

            assertTrue(perCpu.isPerCpu(), "per-CPU");
            assertEquals(Libbpf.possibleCpus(), values.size());
            assertEquals(5L, values.stream().mapToLong(BpfObjectTest::longOf).sum());
            assertEquals(8 * Libbpf.possibleCpus(), perCpu.lookup(KEY_ZERO).orElseThrow().length);
        }
    }

    @Test
    void attachToMissingTracepointNamesItWithEnoent() throws Exception {
        try (BpfObject object = SampleObject.openForThisProcess(MAGIC, WIDE)) {
            object.load();
            BpfProgram program = object.program("count_getppid");

            BpfException e = assertThrows(BpfException.class,
                    () -> program.attachTracepoint("sched", "no_such_tracepoint"));

            assertEquals("failed to attach program count_getppid of sample.bpf.o to tracepoint"
                    + " sched/no_such_tracepoint: ENOENT", e.getMessage());
            assertEquals(2, e.errno());
            assertTrue(object.links().isEmpty(), "no link left behind");
        }
    }

    @Test
    void verifierRejectionNamesProgramAndKeepsLog() throws Exception {
        try (BpfObject object = BpfObject.open(SampleObject.NAME, SampleObject.bytes())) {
            BpfException e = assertThrows(BpfException.class, object::load);

            assertTrue(e.getMessage().startsWith("failed to load program rejected of sample.bpf.o"
                    + " (tracepoint syscalls/sys_enter_getppid): "), e.getMessage());
            assertTrue(e.libbpfWarnings().stream().anyMatch(w -> w.contains("invalid mem access")),
                    "verifier log among " + e.libbpfWarnings());
            assertFalse(object.isLoaded(), "loaded");
        }
    }

    @Test
    void setGlobalChecksNameSizeAndState() throws Exception {
        try (BpfObject object = SampleObject.openForThisProcess(MAGIC, WIDE)) {
            IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                    () -> object.setGlobal("no_such_global", 1));
            assertEquals("no const volatile global no_such_global in the .rodata section of"
                    + " sample.bpf.o", unknown.getMessage());
            IllegalArgumentException size = assertThrows(IllegalArgumentException.class,
                    () -> object.setGlobal("magic", 1L));
            assertEquals("global magic of sample.bpf.o has 4 bytes, not 8", size.getMessage());

            object.load();
            assertThrows(IllegalStateException.class, () -> object.setGlobal("magic", 1));
        }
    }

    @Test
    void openRejectsBytesThatAreNotElf() {
        BpfException e = assertThrows(BpfException.class,
                () -> BpfObject.open("junk.bpf.o", new byte[] {1, 2, 3, 4}));

        assertTrue(e.getMessage().startsWith("failed to open BPF object junk.bpf.o: "),
                e.getMessage());
    }

    @Test
    void closeDetachesLinksAndFreesRingBuffers() throws Exception {
        BpfObject object = SampleObject.openForThisProcess(MAGIC, WIDE);
        object.load();
        List<BpfLink> links = object.attachAll();
        RingBuffer ringBuffer = object.ringBuffer("records", record -> { });
        BpfMap counts = object.map("counts");

        object.close();

        assertTrue(links.stream().noneMatch(BpfLink::isOpen), "links open");
        assertFalse(ringBuffer.isOpen(), "ring buffer open");
        assertThrows(IllegalStateException.class, () -> counts.lookup(KEY_ZERO));
        assertThrows(IllegalStateException.class, () -> ringBuffer.poll(Duration.ZERO));
        object.close();
    }

    @Test
    void runStatsFollowKernelSetting() throws Exception {
        boolean statsEnabled = java.nio.file.Files.readString(
                java.nio.file.Path.of("/proc/sys/kernel/bpf_stats_enabled")).trim().equals("1");
        BpfProgram program;
        try (BpfObject object = SampleObject.openForThisProcess(MAGIC, WIDE)) {
            object.load();
            object.attachAll();
            program = object.program("count_getppid");
            SampleObject.getppid();

            BpfProgram.RunStats stats = program.runStats();

            if (statsEnabled) {
                assertTrue(stats.runCount() >= 1, "run count " + stats.runCount());
            } else {
                assertEquals(new BpfProgram.RunStats(0, 0), stats);
            }
        }
        assertThrows(IllegalStateException.class, program::runStats);
    }

    @Test
    void detachAllKeepsMapsReadable() throws Exception {
        try (BpfObject object = SampleObject.openForThisProcess(MAGIC, WIDE)) {
            // Two programs, so that two threads destroy the links.
            object.program("quiet_getppid").setAutoload(true);
            object.load();
            List<BpfLink> links = object.attachAll();
            assertEquals(2, links.size(), "links");
            SampleObject.getppid();
            assertTrue(object.map("counts").lookup(KEY_ZERO).isPresent(), "counted while attached");
            object.map("counts").delete(KEY_ZERO);

            object.detachAll();
            SampleObject.getppid();

            assertTrue(links.stream().noneMatch(BpfLink::isOpen), "links open");
            assertTrue(object.links().isEmpty(), "links left");
            assertEquals(Optional.empty(), object.map("counts").lookup(KEY_ZERO));
        }
    }

    @Test
    void linkCloseDetachesOnlyThatProgram() throws Exception {
        try (BpfObject object = SampleObject.openForThisProcess(MAGIC, WIDE)) {
            object.load();
            BpfLink link = object.program("count_getppid").attach();
            assertEquals("tracepoint syscalls/sys_enter_getppid", link.attachPoint());

            link.close();
            SampleObject.getppid();

            assertFalse(link.isOpen(), "link open");
            assertTrue(object.links().isEmpty(), "links left");
            assertEquals(Optional.empty(), object.map("counts").lookup(KEY_ZERO));
        }
    }

    @Test
    void handlerExceptionPropagatesFromPoll() throws Exception {
        try (BpfObject object = SampleObject.openForThisProcess(MAGIC, WIDE)) {
            object.load();
            object.attachAll();
            RingBuffer ringBuffer = object.ringBuffer("records", record -> {
                throw new IllegalArgumentException("handler failed on purpose");
            });
            SampleObject.getppid();

            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> ringBuffer.poll(Duration.ofSeconds(5)));

            assertEquals("handler failed on purpose", e.getMessage());
            assertEquals(0, ringBuffer.consume(), "records left after the failing one");
        }
    }

    @Test
    @SuppressWarnings("try")
    void closingFromHandlerIsRejected() throws Exception {
        try (BpfObject object = SampleObject.openForThisProcess(MAGIC, WIDE)) {
            object.load();
            object.attachAll();
            RingBuffer ringBuffer = object.ringBuffer("records", record -> object.close());
            SampleObject.getppid();

            assertThrows(IllegalStateException.class, () -> ringBuffer.poll(Duration.ofSeconds(5)));
            assertFalse(object.isClosed(), "closed");
        }
    }

    @Test
    void btfStructMatchesSampleRecordLayout() throws Exception {
        try (BpfObject object = BpfObject.open(SampleObject.NAME, SampleObject.bytes())) {
            BtfStruct record = object.btfStruct("sample_record").orElseThrow();

            assertEquals(24, record.size());
            assertEquals(List.of("magic", "pid", "sequence", "wide"),
                    record.members().stream().map(BtfMember::name).toList());
            assertEquals(8, record.member("sequence").orElseThrow().offset());
            assertEquals(8, record.member("wide").orElseThrow().size());
            assertEquals(Optional.empty(), object.btfStruct("no_such_struct"));
        }
    }

    @Test
    void describesAttachPointsOfSections() {
        assertEquals("tracepoint sched/sched_process_exec",
                BpfProgram.describeSection("tracepoint/sched/sched_process_exec"));
        assertEquals("tracepoint sched/sched_process_exec",
                BpfProgram.describeSection("tp/sched/sched_process_exec"));
        assertEquals("raw tracepoint sched_process_fork",
                BpfProgram.describeSection("raw_tracepoint/sched_process_fork"));
        assertEquals("raw tracepoint sys_enter", BpfProgram.describeSection("?raw_tp/sys_enter"));
        assertEquals("section socket", BpfProgram.describeSection("socket"));
    }

    private static void pollUntil(RingBuffer ringBuffer, java.util.function.BooleanSupplier done)
            throws BpfException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!done.getAsBoolean() && System.nanoTime() < deadline) {
            ringBuffer.poll(Duration.ofMillis(100));
        }
    }

    static byte[] intBytes(int value) {
        return ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(value).array();
    }

    static byte[] longBytes(long value) {
        return ByteBuffer.allocate(8).order(ByteOrder.nativeOrder()).putLong(value).array();
    }

    static int intOf(byte[] bytes) {
        return ByteBuffer.wrap(bytes).order(ByteOrder.nativeOrder()).getInt();
    }

    static long longOf(byte[] bytes) {
        return ByteBuffer.wrap(bytes).order(ByteOrder.nativeOrder()).getLong();
    }
}
