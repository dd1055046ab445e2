package org.tarsier.detector.stats.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RobustBaselineTest {

    @Test
    void medianAndMadOfOddHistory() {
        RobustBaseline baseline = filled(5, 1, 2, 3, 4, 100);

        assertEquals(3.0, baseline.median());
        assertEquals(1.0, baseline.mad());
        assertEquals(1.4826, baseline.scale(), 1e-9);
    }

    @Test
    void medianOfEvenHistoryAveragesMiddle() {
        RobustBaseline baseline = filled(4, 4, 1, 3, 2);

        assertEquals(2.5, baseline.median());
    }

    @Test
    void oldestValueDroppedWhenFull() {
        RobustBaseline baseline = filled(3, 100, 100, 1, 2, 3);

        assertEquals(3, baseline.size());
        assertEquals(2.0, baseline.median());
    }

    @Test
    void emptyHistoryHasZeroBaseline() {
        RobustBaseline baseline = new RobustBaseline(3);

        assertEquals(0.0, baseline.median());
        assertEquals(0.0, baseline.mad());
    }

    @Test
    void outliersWhileLearningBarelyMoveBaseline() {
        RobustBaseline baseline = new RobustBaseline(60);
        double sum = 0;
        double sumOfSquares = 0;
        for (int i = 0; i < 60; i++) {
            // A steady 9, 10, 11 pattern, with a burst of 1000 in 6 of the 60 windows.
            double value = i % 10 == 5 ? 1_000 : 9 + i % 3;
            baseline.add(value);
            sum += value;
            sumOfSquares += value * value;
        }
        double mean = sum / 60;
        double standardDeviation = Math.sqrt(sumOfSquares / 60 - mean * mean);

        assertEquals(10.0, baseline.median(), 1.0);
        assertTrue(baseline.scale() <= 1.5, "scale " + baseline.scale());
        // The mean and standard deviation, for contrast, follow the outliers.
        assertTrue(mean > 100, "mean " + mean);
        assertTrue(standardDeviation > 250, "standard deviation " + standardDeviation);
    }

    @Test
    void copyIsIndependent() {
        RobustBaseline original = filled(5, 1, 2, 3);
        RobustBaseline copy = original.copy();
        copy.add(50);
        copy.add(60);

        assertEquals(2.0, original.median());
        assertEquals(3.0, copy.median());
    }

    private static RobustBaseline filled(int capacity, double... values) {
        RobustBaseline baseline = new RobustBaseline(capacity);
        for (double value : values) {
            baseline.add(value);
        }
        return baseline;
    }
}
