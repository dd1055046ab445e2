package org.tarsier.detector.iforest.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

class IsolationForestTest {

    @Test
    void averagePathLengthFollowsThePaper() {
        assertEquals(0, IsolationForest.averagePathLength(1));
        assertEquals(1, IsolationForest.averagePathLength(2));
        double expected = 2 * (Math.log(255) + 0.5772156649015329) - 2.0 * 255 / 256;
        assertEquals(expected, IsolationForest.averagePathLength(256), 1e-12);
    }

    @Test
    void outlierScoresHighAndInlierLow() {
        double[][] rows = gaussianRows(new Random(1), 1000, 3);
        IsolationForest forest = IsolationForest.train(rows, 100, 256, new SplittableRandom(2));

        assertTrue(forest.score(new double[] {8, -8, 8}) > 0.7, "outlier score");
        assertTrue(forest.score(new double[] {0, 0, 0}) < 0.5, "centre score");
    }

    @Test
    void identicalRowsScoreOneHalf() {
        double[][] rows = new double[300][];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = new double[] {1, 2};
        }
        IsolationForest forest = IsolationForest.train(rows, 10, 256, new SplittableRandom(3));

        assertEquals(0.5, forest.score(new double[] {1, 2}), 1e-12);
        assertEquals(10, forest.nodeCount(), "one leaf per tree");
    }

    @Test
    void heightLimitIsCeilingOfLog2Psi() {
        double[][] rows = gaussianRows(new Random(4), 5000, 4);
        IsolationForest forest = IsolationForest.train(rows, 20, 256, new SplittableRandom(5));

        // A tree of height at most 8 has at most 2^9 - 1 nodes.
        assertTrue(forest.nodeCount() <= 20L * 511, "nodes " + forest.nodeCount());
        assertEquals(256, forest.subsampleSize());
    }

    @Test
    void subsampleShrinksToTheRowCount() {
        double[][] rows = gaussianRows(new Random(6), 50, 2);
        IsolationForest forest = IsolationForest.train(rows, 5, 256, new SplittableRandom(7));

        assertEquals(50, forest.subsampleSize());
    }

    @Test
    void contributionsPointAtTheDeviatingFeature() {
        double[][] rows = gaussianRows(new Random(8), 1000, 5);
        IsolationForest forest = IsolationForest.train(rows, 100, 256, new SplittableRandom(9));
        double[] shares = forest.contributions(new double[] {0, 0, 12, 0, 0});

        for (int f = 0; f < shares.length; f++) {
            if (f != 2) {
                assertTrue(shares[2] > shares[f], "feature 2 share " + shares[2]
                        + " vs feature " + f + " share " + shares[f]);
            }
        }
    }

    @Test
    void sameSeedGrowsTheSameForest() {
        double[][] rows = gaussianRows(new Random(10), 500, 3);
        double[] probe = {1.5, -0.5, 2};
        double first = IsolationForest.train(rows, 50, 128, new SplittableRandom(11)).score(probe);
        double second = IsolationForest.train(rows, 50, 128, new SplittableRandom(11)).score(probe);

        assertEquals(first, second);
    }

    static double[][] gaussianRows(Random random, int count, int dimensions) {
        double[][] rows = new double[count][dimensions];
        for (double[] row : rows) {
            for (int d = 0; d < dimensions; d++) {
                row[d] = random.nextGaussian();
            }
        }
        return rows;
    }
}
