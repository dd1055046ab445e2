package org.tarsier.detector.iforest.internal;

import java.io.Serializable;
import java.util.SplittableRandom;

/**
 * An Isolation Forest over dense vectors: Liu, Ting and Zhou, "Isolation Forest", ICDM 2008.
 *
 * <p>Each tree is grown on a subsample of {@code psi} rows drawn without replacement, up to the
 * height limit {@code ceil(log2 psi)}. A node splits on a random feature at a value drawn
 * uniformly between that feature's minimum and maximum in the node. Features that are constant
 * in the node are not drawn, as in scikit-learn's implementation; a node whose features are all
 * constant becomes a leaf. The path length of a row adds {@code c(n)} at the leaf it reaches,
 * where {@code n} is the leaf's training size, and the score is {@code 2^(-E(h(x)) / c(psi))}:
 * close to 1 for anomalies, well below 0.5 for normal rows. Instances are immutable.
 */
final class IsolationForest implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Euler–Mascheroni constant, used to approximate the harmonic number H(i). */
    private static final double EULER_GAMMA = 0.5772156649015329;

    private final IsolationTree[] trees;
    private final int subsampleSize;
    private final int dimensions;

    private IsolationForest(IsolationTree[] trees, int subsampleSize, int dimensions) {
        this.trees = trees;
        this.subsampleSize = subsampleSize;
        this.dimensions = dimensions;
    }

    /**
     * Grows a forest of {@code treeCount} trees on {@code rows}, each of the same length.
     *
     * @param maxSubsampleSize psi, lowered to the number of rows when there are fewer
     */
    static IsolationForest train(double[][] rows, int treeCount, int maxSubsampleSize,
            SplittableRandom random) {
        if (rows.length == 0) {
            throw new IllegalArgumentException("no training rows");
        }
        if (treeCount < 1 || maxSubsampleSize < 2) {
            throw new IllegalArgumentException("treeCount " + treeCount + " must be at least 1"
                    + " and subsample size " + maxSubsampleSize + " at least 2");
        }
        int dimensions = rows[0].length;
        int psi = Math.min(maxSubsampleSize, rows.length);
        int heightLimit = (int) Math.ceil(log2(Math.max(psi, 2)));
        IsolationTree[] trees = new IsolationTree[treeCount];
        for (int t = 0; t < treeCount; t++) {
            double[][] sample = subsample(rows, psi, random);
            trees[t] = IsolationTree.grow(sample, dimensions, heightLimit, random);
        }
        return new IsolationForest(trees, psi, dimensions);
    }

    /** Returns the anomaly score of {@code row}, in (0, 1]; higher is more anomalous. */
    double score(double[] row) {
        return scoreFromPathLength(meanPathLength(row));
    }

    /** Returns E(h(x)), the path length of {@code row} averaged over the trees. */
    double meanPathLength(double[] row) {
        checkDimensions(row);
        double sum = 0;
        for (IsolationTree tree : trees) {
            sum += tree.pathLength(row);
        }
        return sum / trees.length;
    }

    /**
     * Returns how much each feature isolated {@code row}, summing to 1: every split on the path
     * of the row in each tree credits its feature with the inverse of that path's length, so
     * features that cut a row off early weigh most. This is a cheap heuristic of this project,
     * not part of the original algorithm.
     */
    double[] contributions(double[] row) {
        checkDimensions(row);
        double[] weights = new double[dimensions];
        for (IsolationTree tree : trees) {
            tree.addContributions(row, weights);
        }
        normalize(weights);
        return weights;
    }

    /** Returns the share of all splits made on each feature, summing to 1. */
    double[] splitShares() {
        double[] counts = new double[dimensions];
        for (IsolationTree tree : trees) {
            tree.addSplitCounts(counts);
        }
        normalize(counts);
        return counts;
    }

    int treeCount() {
        return trees.length;
    }

    int subsampleSize() {
        return subsampleSize;
    }

    int dimensions() {
        return dimensions;
    }

    /** Returns the total number of nodes of all trees, for memory estimates. */
    long nodeCount() {
        long nodes = 0;
        for (IsolationTree tree : trees) {
            nodes += tree.nodeCount();
        }
        return nodes;
    }

    /**
     * Returns the score of a row that every tree isolates with its first split, the highest
     * score a row outside the training range can reach in the original algorithm's spirit.
     */
    double firstSplitScore() {
        return scoreFromPathLength(1);
    }

    private double scoreFromPathLength(double pathLength) {
        double normalizer = averagePathLength(subsampleSize);
        return Math.pow(2, -pathLength / (normalizer > 0 ? normalizer : 1));
    }

    /**
     * Returns c(n), the average path length of an unsuccessful search in a binary search tree of
     * {@code n} nodes: {@code 2 H(n-1) - 2 (n-1) / n}, 1 for n = 2 and 0 below.
     */
    static double averagePathLength(long n) {
        if (n <= 1) {
            return 0;
        }
        if (n == 2) {
            return 1;
        }
        double harmonic = Math.log(n - 1.0) + EULER_GAMMA;
        return 2 * harmonic - 2.0 * (n - 1) / n;
    }

    private void checkDimensions(double[] row) {
        if (row.length != dimensions) {
            throw new IllegalArgumentException("row has " + row.length + " features, forest "
                    + dimensions);
        }
    }

    private static double[][] subsample(double[][] rows, int size, SplittableRandom random) {
        int[] indexes = new int[rows.length];
        for (int i = 0; i < indexes.length; i++) {
            indexes[i] = i;
        }
        double[][] sample = new double[size][];
        for (int i = 0; i < size; i++) {
            int pick = i + random.nextInt(rows.length - i);
            int chosen = indexes[pick];
            indexes[pick] = indexes[i];
            indexes[i] = chosen;
            sample[i] = rows[chosen];
        }
        return sample;
    }

    private static void normalize(double[] values) {
        double total = 0;
        for (double value : values) {
            total += value;
        }
        if (total > 0) {
            for (int i = 0; i < values.length; i++) {
                values[i] /= total;
            }
        }
    }

    private static double log2(double value) {
        return Math.log(value) / Math.log(2);
    }
}
