package org.tarsier.detector.iforest.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

import org.tarsier.api.container.ContainerInfo;
import org.tarsier.api.feature.FeatureWindow;

/**
 * Measures training time, scoring throughput and memory per model of the detector's default
 * Isolation Forest on synthetic windows shaped like the extractor's (59 count features). Run by
 * {@code bench/iforest.sh}; prints a Markdown table on standard output.
 */
public final class IForestBenchmark {

    private static final int FEATURES = 59;
    private static final ContainerInfo CONTAINER = new ContainerInfo("docker", "b".repeat(64),
            "bench", "bench:1", Map.of(), "", "", "");

    private IForestBenchmark() {
    }

    public static void main(String[] args) throws IOException {
        int scoringWindows = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        Random random = new Random(1);
        double[] rates = new double[FEATURES];
        for (int f = 0; f < FEATURES; f++) {
            rates[f] = Math.pow(10, 4 * random.nextDouble()) * (random.nextInt(4) == 0 ? 0 : 1);
        }
        List<String> names = new ArrayList<>();
        for (int f = 0; f < FEATURES; f++) {
            names.add("feature_" + f);
        }
        System.out.println("| measure | value |");
        System.out.println("| --- | --- |");
        for (int size : new int[] {120, 1024, 4096}) {
            List<FeatureWindow> windows = windows(random, rates, names, size);
            trainingTime(windows, size);
        }
        List<FeatureWindow> training = windows(random, rates, names, 1024);
        TrainedModel model = TrainedModel.train("bench:1", ModelKind.IFOREST, training,
                Settings.DEFAULTS);
        scoring(model, windows(random, rates, names, 10_000), scoringWindows);
        memory(random, rates, names);
    }

    private static void trainingTime(List<FeatureWindow> windows, int size) {
        long[] millis = new long[5];
        for (int run = 0; run < millis.length + 2; run++) {
            long start = System.nanoTime();
            TrainedModel.train("bench:1", ModelKind.IFOREST, windows, Settings.DEFAULTS);
            if (run >= 2) {
                millis[run - 2] = (System.nanoTime() - start) / 1_000_000;
            }
        }
        Arrays.sort(millis);
        row("training time, " + size + " windows (median of 5)", millis[2] + " ms");
    }

    private static void scoring(TrainedModel model, List<FeatureWindow> windows, int count) {
        double sink = 0;
        for (int i = 0; i < 20_000; i++) {
            sink += model.score(windows.get(i % windows.size()));
        }
        long start = System.nanoTime();
        for (int i = 0; i < count; i++) {
            sink += model.score(windows.get(i % windows.size()));
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        row("windows scored per second, one thread", String.format(Locale.ROOT, "%.0f",
                count / seconds));
        start = System.nanoTime();
        int explained = 2_000;
        for (int i = 0; i < explained; i++) {
            sink += model.topFeatures(windows.get(i), 3).size();
        }
        row("top-feature explanation, per alerting window", String.format(Locale.ROOT,
                "%.1f µs", (System.nanoTime() - start) / 1e3 / explained));
        if (sink == 42) {
            System.out.println();
        }
    }

    private static void memory(Random random, double[] rates, List<String> names)
            throws IOException {
        List<FeatureWindow> training = windows(random, rates, names, 4096);
        TrainedModel model = TrainedModel.train("bench:1", ModelKind.IFOREST, training,
                Settings.DEFAULTS);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(model);
        }
        row("model file size (4096 training windows)", bytes.size() / 1024 + " KiB");
        row("tree nodes per model", Long.toString(
                ((IsolationForestModel) model.model()).forest().nodeCount()));

        Path dir = Files.createTempDirectory("iforest-bench");
        ModelStore store = new ModelStore(dir);
        store.save(model);
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        int count = 50;
        List<TrainedModel> loaded = new ArrayList<>();
        long before = usedHeapAfterGc(memory);
        for (int i = 0; i < count; i++) {
            loaded.add(store.load(store.file("bench:1")));
        }
        long after = usedHeapAfterGc(memory);
        row("heap per loaded model (mean of " + loaded.size() + ")",
                (after - before) / count / 1024 + " KiB");
        Files.delete(store.file("bench:1"));
        Files.delete(dir);
    }

    private static long usedHeapAfterGc(MemoryMXBean memory) {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return memory.getHeapMemoryUsage().getUsed();
    }

    private static List<FeatureWindow> windows(Random random, double[] rates, List<String> names,
            int count) {
        List<FeatureWindow> windows = new ArrayList<>(count);
        Instant start = Instant.parse("2026-01-01T00:00:00Z");
        for (int i = 0; i < count; i++) {
            double[] values = new double[rates.length];
            for (int f = 0; f < rates.length; f++) {
                values[f] = Math.max(0, Math.round(rates[f]
                        + Math.sqrt(rates[f]) * random.nextGaussian()));
            }
            Instant windowStart = start.plus(Duration.ofSeconds(5L * i));
            windows.add(new FeatureWindow(CONTAINER, windowStart, windowStart.plusSeconds(5),
                    names, values));
        }
        return windows;
    }

    private static void row(String measure, String value) {
        System.out.println("| " + measure + " | " + value + " |");
    }
}
