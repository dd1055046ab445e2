package org.tarsier.detector.iforest.internal;

import java.io.Serializable;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * One isolation tree, stored as parallel arrays indexed by node: an internal node has a split
 * feature of 0 or more, a leaf has {@code -1} and the number of training rows that reached it.
 */
final class IsolationTree implements Serializable {

    private static final long serialVersionUID = 1L;
    private static final int LEAF = -1;

    private final int[] feature;
    private final double[] threshold;
    private final int[] left;
    private final int[] right;
    private final int[] size;

    private IsolationTree(Builder builder) {
        int count = builder.count;
        this.feature = Arrays.copyOf(builder.feature, count);
        this.threshold = Arrays.copyOf(builder.threshold, count);
        this.left = Arrays.copyOf(builder.left, count);
        this.right = Arrays.copyOf(builder.right, count);
        this.size = Arrays.copyOf(builder.size, count);
    }

    /** Grows a tree on {@code sample} until depth {@code heightLimit}. */
    static IsolationTree grow(double[][] sample, int dimensions, int heightLimit,
            SplittableRandom random) {
        Builder builder = new Builder(sample, dimensions, heightLimit, random);
        builder.grow(0, sample.length, 0);
        return new IsolationTree(builder);
    }

    /** Returns h(x): the edges from the root to the leaf of {@code row}, plus c(leaf size). */
    double pathLength(double[] row) {
        int node = 0;
        int depth = 0;
        while (feature[node] != LEAF) {
            node = row[feature[node]] < threshold[node] ? left[node] : right[node];
            depth++;
        }
        return depth + IsolationForest.averagePathLength(size[node]);
    }

    void addContributions(double[] row, double[] weights) {
        double credit = 1 / Math.max(pathLength(row), 1);
        int node = 0;
        while (feature[node] != LEAF) {
            weights[feature[node]] += credit;
            node = row[feature[node]] < threshold[node] ? left[node] : right[node];
        }
    }

    void addSplitCounts(double[] counts) {
        for (int f : feature) {
            if (f != LEAF) {
                counts[f]++;
            }
        }
    }

    int nodeCount() {
        return feature.length;
    }

    /** Grows the tree depth first, partitioning the sample rows in place. */
    private static final class Builder {
        private final double[][] rows;
        private final int dimensions;
        private final int heightLimit;
        private final SplittableRandom random;
        private final int[] candidates;
        private int[] feature = new int[16];
        private double[] threshold = new double[16];
        private int[] left = new int[16];
        private int[] right = new int[16];
        private int[] size = new int[16];
        private int count;

        Builder(double[][] sample, int dimensions, int heightLimit, SplittableRandom random) {
            this.rows = sample.clone();
            this.dimensions = dimensions;
            this.heightLimit = heightLimit;
            this.random = random;
            this.candidates = new int[dimensions];
        }

        /** Adds the node of rows [from, to) at {@code depth} and returns its index. */
        int grow(int from, int to, int depth) {
            int node = newNode(to - from);
            if (depth >= heightLimit || to - from <= 1) {
                return node;
            }
            int splitFeature = drawNonConstantFeature(from, to);
            if (splitFeature == LEAF) {
                return node;
            }
            double value = drawThreshold(splitFeature, from, to);
            int middle = partition(splitFeature, value, from, to);
            feature[node] = splitFeature;
            threshold[node] = value;
            int leftChild = grow(from, middle, depth + 1);
            int rightChild = grow(middle, to, depth + 1);
            left[node] = leftChild;
            right[node] = rightChild;
            return node;
        }

        /** Draws features without replacement until one varies in [from, to), or none does. */
        private int drawNonConstantFeature(int from, int to) {
            for (int i = 0; i < dimensions; i++) {
                candidates[i] = i;
            }
            for (int remaining = dimensions; remaining > 0; remaining--) {
                int pick = random.nextInt(remaining);
                int candidate = candidates[pick];
                candidates[pick] = candidates[remaining - 1];
                if (min(candidate, from, to) < max(candidate, from, to)) {
                    return candidate;
                }
            }
            return LEAF;
        }

        /** Draws a split value in (min, max] so that both sides of the split get rows. */
        private double drawThreshold(int splitFeature, int from, int to) {
            double low = min(splitFeature, from, to);
            double high = max(splitFeature, from, to);
            double value = low + random.nextDouble() * (high - low);
            return value > low ? value : Math.nextUp(low);
        }

        private int partition(int splitFeature, double value, int from, int to) {
            int middle = from;
            for (int i = from; i < to; i++) {
                if (rows[i][splitFeature] < value) {
                    double[] swap = rows[i];
                    rows[i] = rows[middle];
                    rows[middle] = swap;
                    middle++;
                }
            }
            return middle;
        }

        private double min(int column, int from, int to) {
            double min = Double.POSITIVE_INFINITY;
            for (int i = from; i < to; i++) {
                min = Math.min(min, rows[i][column]);
            }
            return min;
        }

        private double max(int column, int from, int to) {
            double max = Double.NEGATIVE_INFINITY;
            for (int i = from; i < to; i++) {
                max = Math.max(max, rows[i][column]);
            }
            return max;
        }

        private int newNode(int rowCount) {
            if (count == feature.length) {
                int capacity = count * 2;
                feature = Arrays.copyOf(feature, capacity);
                threshold = Arrays.copyOf(threshold, capacity);
                left = Arrays.copyOf(left, capacity);
                right = Arrays.copyOf(right, capacity);
                size = Arrays.copyOf(size, capacity);
            }
            feature[count] = LEAF;
            size[count] = rowCount;
            return count++;
        }
    }
}
