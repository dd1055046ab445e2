package org.tarsier.detector.iforest.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tribuo.Example;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.anomaly.AnomalyFactory;
import org.tribuo.anomaly.Event;
import org.tribuo.impl.ArrayExample;
import org.tribuo.provenance.SimpleDataSourceProvenance;

/**
 * Compares this Isolation Forest with scikit-learn's on real feature windows of the agent,
 * recorded by {@code bench/record-windows.sh}: a busybox container's normal workload for
 * training, and a second container of the same image with six injected anomalies for testing.
 * AUCs are averaged over five seeds on each side, because the test set is small.
 */
class RecordedWindowsTest {

    static final Path FIXTURE = Path.of("src/test/resources/windows/busybox-windows.csv");
    private static final double MAX_AUC_DIFFERENCE = 0.02;
    private static final int SEEDS = 5;

    private static List<String> names;
    private static double[][] train;
    private static double[][] test;
    private static boolean[] anomalous;

    @BeforeAll
    static void readFixture() throws IOException {
        List<String> lines = Files.readAllLines(FIXTURE);
        String[] header = lines.get(0).split(",", -1);
        names = List.of(header).subList(3, header.length);
        List<double[]> trainRows = new ArrayList<>();
        List<double[]> testRows = new ArrayList<>();
        List<Boolean> labels = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] cells = line.split(",", -1);
            double[] row = new double[names.size()];
            for (int i = 0; i < row.length; i++) {
                row[i] = Double.parseDouble(cells[i + 3]);
            }
            if (cells[0].equals("train")) {
                trainRows.add(row);
            } else {
                testRows.add(row);
                labels.add(cells[1].equals("1"));
            }
        }
        train = trainRows.toArray(double[][]::new);
        test = testRows.toArray(double[][]::new);
        anomalous = new boolean[labels.size()];
        for (int i = 0; i < anomalous.length; i++) {
            anomalous[i] = labels.get(i);
        }
    }

    @Test
    void fixtureHasBothClasses() {
        long anomalies = countAnomalies();

        assertTrue(train.length >= 50, "training windows " + train.length);
        assertTrue(anomalies >= 6, "anomalous test windows " + anomalies);
        assertTrue(test.length - anomalies >= 20, "normal test windows "
                + (test.length - anomalies));
    }

    @Test
    void aucMatchesScikitLearn(@TempDir Path workDir) throws Exception {
        double javaAuc = meanAuc(-1);
        double referenceAuc = meanReferenceAuc(workDir);

        assertTrue(referenceAuc > 0.6, "reference AUC " + referenceAuc);
        assertEquals(referenceAuc, javaAuc, MAX_AUC_DIFFERENCE,
                "mean AUC of this forest vs scikit-learn's on recorded windows");
    }

    @Test
    void rangeGuardRanksAtLeastAsWell(@TempDir Path workDir) throws Exception {
        double guardedAuc = meanAuc(IForestDetector.DEFAULT_RANGE_MARGIN);
        double referenceAuc = meanReferenceAuc(workDir);

        assertTrue(guardedAuc >= referenceAuc - MAX_AUC_DIFFERENCE,
                "AUC with range guard " + guardedAuc + ", scikit-learn " + referenceAuc);
    }

    private static double meanAuc(double rangeMargin) {
        double sum = 0;
        for (int seed = 0; seed < SEEDS; seed++) {
            Model<Event> model = new IsolationForestTrainer(100, 256, rangeMargin, seed)
                    .train(dataset());
            double[] scores = new double[test.length];
            for (int i = 0; i < test.length; i++) {
                scores[i] = model.predict(example(test[i])).getOutput().getScore();
            }
            sum += RocAuc.of(scores, anomalous);
        }
        return sum / SEEDS;
    }

    private static double meanReferenceAuc(Path workDir) throws Exception {
        double sum = 0;
        for (int seed = 0; seed < SEEDS; seed++) {
            sum += RocAuc.of(ReferenceScorer.score(train, test, workDir, seed), anomalous);
        }
        return sum / SEEDS;
    }

    private static MutableDataset<Event> dataset() {
        AnomalyFactory factory = new AnomalyFactory();
        MutableDataset<Event> dataset = new MutableDataset<>(
                new SimpleDataSourceProvenance("recorded windows", factory), factory);
        for (double[] row : train) {
            dataset.add(example(row));
        }
        return dataset;
    }

    private static Example<Event> example(double[] row) {
        return new ArrayExample<>(AnomalyFactory.EXPECTED_EVENT, names.toArray(String[]::new),
                row.clone());
    }

    private static long countAnomalies() {
        long count = 0;
        for (boolean label : anomalous) {
            count += label ? 1 : 0;
        }
        return count;
    }
}
