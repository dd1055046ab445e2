package org.tarsier.detector.iforest.internal;

import java.util.Random;

/**
 * Synthetic anomaly sets with fixed seeds: normal rows from Gaussian blobs, anomalies drawn
 * uniformly from a box around them. Some anomalies fall inside blobs, so no detector reaches
 * an AUC of 1 on the harder sets and differences between implementations show.
 */
record AnomalySets(String name, double[][] train, double[][] test, boolean[] anomalous) {

    /** Blobs of unit spread at centres drawn in [-5, 5]^d; anomalies uniform in [-box, box]^d. */
    static AnomalySets blobs(String name, long seed, int dimensions, int blobs, int trainRows,
            int testNormal, int testAnomalies, double box) {
        Random random = new Random(seed);
        double[][] centres = new double[blobs][dimensions];
        double[] spreads = new double[blobs];
        for (int b = 0; b < blobs; b++) {
            for (int d = 0; d < dimensions; d++) {
                centres[b][d] = -5 + 10 * random.nextDouble();
            }
            spreads[b] = 0.5 + random.nextDouble();
        }
        double[][] train = new double[trainRows][];
        for (int i = 0; i < trainRows; i++) {
            train[i] = blobRow(random, centres, spreads);
        }
        double[][] test = new double[testNormal + testAnomalies][];
        boolean[] anomalous = new boolean[test.length];
        for (int i = 0; i < testNormal; i++) {
            test[i] = blobRow(random, centres, spreads);
        }
        for (int i = testNormal; i < test.length; i++) {
            test[i] = new double[dimensions];
            for (int d = 0; d < dimensions; d++) {
                test[i][d] = -box + 2 * box * random.nextDouble();
            }
            anomalous[i] = true;
        }
        return new AnomalySets(name, train, test, anomalous);
    }

    /**
     * Rows shaped like feature windows: Poisson-like counts on very different scales, several
     * features that are almost always 0, and anomalies where one or two counts burst.
     */
    static AnomalySets counts(String name, long seed, int trainRows, int testNormal,
            int testAnomalies) {
        Random random = new Random(seed);
        double[] rates = {2000, 300, 40, 5, 1, 0.2, 0.05, 12, 0.5, 80};
        double[][] train = new double[trainRows][];
        for (int i = 0; i < trainRows; i++) {
            train[i] = countRow(random, rates);
        }
        double[][] test = new double[testNormal + testAnomalies][];
        boolean[] anomalous = new boolean[test.length];
        for (int i = 0; i < testNormal; i++) {
            test[i] = countRow(random, rates);
        }
        for (int i = testNormal; i < test.length; i++) {
            test[i] = countRow(random, rates);
            int burst = random.nextInt(rates.length);
            test[i][burst] = Math.round(test[i][burst] + rates[burst] * (1 + 4 * random.nextDouble())
                    + random.nextInt(3));
            if (random.nextBoolean()) {
                int second = random.nextInt(rates.length);
                test[i][second] = Math.round(test[i][second] * 2 + random.nextInt(2));
            }
            anomalous[i] = true;
        }
        return new AnomalySets(name, train, test, anomalous);
    }

    private static double[] blobRow(Random random, double[][] centres, double[] spreads) {
        int blob = random.nextInt(centres.length);
        double[] row = new double[centres[blob].length];
        for (int d = 0; d < row.length; d++) {
            row[d] = centres[blob][d] + spreads[blob] * random.nextGaussian();
        }
        return row;
    }

    /** Draws rounded Gaussian approximations of Poisson counts, clipped at 0. */
    private static double[] countRow(Random random, double[] rates) {
        double[] row = new double[rates.length];
        for (int d = 0; d < rates.length; d++) {
            double value = rates[d] + Math.sqrt(rates[d]) * random.nextGaussian();
            row[d] = Math.max(0, Math.round(value));
        }
        return row;
    }
}
