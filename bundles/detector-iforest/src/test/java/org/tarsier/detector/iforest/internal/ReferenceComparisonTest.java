package org.tarsier.detector.iforest.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.stream.Stream;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.tribuo.Model;
import org.tribuo.anomaly.Event;

/**
 * Compares the Isolation Forest trained through Tribuo with scikit-learn's IsolationForest on
 * the same rows: both must rank anomalies alike, with ROC AUCs within 0.02. The range guard,
 * which the detector turns on by default, must rank at least as well as the reference.
 */
class ReferenceComparisonTest {

    private static final double MAX_AUC_DIFFERENCE = 0.02;

    static Stream<AnomalySets> syntheticSets() {
        return Stream.of(
                AnomalySets.blobs("blobs 2d", 11, 2, 3, 1000, 950, 50, 8),
                AnomalySets.blobs("blobs 5d", 12, 5, 4, 2000, 900, 100, 7),
                AnomalySets.blobs("blobs 10d", 13, 10, 5, 2000, 900, 100, 6),
                AnomalySets.blobs("blobs 3d, narrow box", 14, 3, 2, 1500, 900, 100, 4),
                AnomalySets.counts("counts 10d", 15, 2000, 900, 100));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("syntheticSets")
    void aucMatchesScikitLearn(AnomalySets set, @TempDir Path workDir) throws Exception {
        Model<Event> model = new IsolationForestTrainer(100, 256, 7)
                .train(TribuoRows.dataset(set.train()));
        double javaAuc = RocAuc.of(TribuoRows.scores(model, set.test()), set.anomalous());
        double referenceAuc = RocAuc.of(
                ReferenceScorer.score(set.train(), set.test(), workDir, 0), set.anomalous());

        assertTrue(referenceAuc > 0.6, set.name() + ": reference AUC " + referenceAuc
                + " is too low for a meaningful comparison");
        assertEquals(referenceAuc, javaAuc, MAX_AUC_DIFFERENCE,
                set.name() + ": AUC of this forest vs scikit-learn's");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("syntheticSets")
    void rangeGuardRanksAtLeastAsWell(AnomalySets set, @TempDir Path workDir) throws Exception {
        Model<Event> model = new IsolationForestTrainer(100, 256, 0.5, 7)
                .train(TribuoRows.dataset(set.train()));
        double guardedAuc = RocAuc.of(TribuoRows.scores(model, set.test()), set.anomalous());
        double referenceAuc = RocAuc.of(
                ReferenceScorer.score(set.train(), set.test(), workDir, 0), set.anomalous());

        assertTrue(guardedAuc >= referenceAuc - MAX_AUC_DIFFERENCE, set.name()
                + ": AUC with range guard " + guardedAuc + ", scikit-learn " + referenceAuc);
    }
}
