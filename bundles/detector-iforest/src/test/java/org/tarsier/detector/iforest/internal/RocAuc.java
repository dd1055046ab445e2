package org.tarsier.detector.iforest.internal;

/** Area under the ROC curve, computed as the Mann–Whitney U statistic with ties counted half. */
final class RocAuc {

    private RocAuc() {
    }

    /** Returns the probability that a random anomaly scores above a random normal row. */
    static double of(double[] scores, boolean[] anomalous) {
        long pairs = 0;
        double wins = 0;
        for (int a = 0; a < scores.length; a++) {
            if (!anomalous[a]) {
                continue;
            }
            for (int n = 0; n < scores.length; n++) {
                if (anomalous[n]) {
                    continue;
                }
                pairs++;
                if (scores[a] > scores[n]) {
                    wins += 1;
                } else if (scores[a] == scores[n]) {
                    wins += 0.5;
                }
            }
        }
        if (pairs == 0) {
            throw new IllegalArgumentException("need both anomalous and normal rows");
        }
        return wins / pairs;
    }
}
