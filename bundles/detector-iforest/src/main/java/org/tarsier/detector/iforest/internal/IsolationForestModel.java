package org.tarsier.detector.iforest.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.tribuo.Example;
import org.tribuo.Excuse;
import org.tribuo.Feature;
import org.tribuo.ImmutableFeatureMap;
import org.tribuo.ImmutableOutputInfo;
import org.tribuo.Model;
import org.tribuo.Prediction;
import org.tribuo.VariableIDInfo;
import org.tribuo.anomaly.Event;
import org.tribuo.provenance.ModelProvenance;

import com.oracle.labs.mlrg.olcut.util.Pair;

/**
 * A trained Isolation Forest as a Tribuo anomaly {@link Model}. A prediction is an {@link Event}
 * whose score is the Isolation Forest score in (0, 1], higher for anomalies, and whose type is
 * {@code ANOMALOUS} above {@link #DEFAULT_DECISION_SCORE}. The excuse of a prediction ranks the
 * features by how early they isolated the example.
 *
 * <p>Range guard, an addition to the original algorithm and off when the margin is negative: a
 * tree cannot tell a value far beyond the training maximum from the maximum itself, so a burst
 * of a count scores no higher than the busiest training window. With the guard, an example with
 * a feature outside {@code [min - margin * span, max + margin * span]} of the training rows,
 * where {@code span = max - min}, scores at least {@link IsolationForest#firstSplitScore()}, as
 * if every tree isolated it with its first split, and its out-of-range features lead its excuse.
 */
public final class IsolationForestModel extends Model<Event> {

    private static final long serialVersionUID = 1L;

    /**
     * Score above which a prediction is {@code ANOMALOUS}: the cut the original paper suggests
     * and scikit-learn's {@code contamination="auto"} uses. The detector sets its own threshold.
     */
    public static final double DEFAULT_DECISION_SCORE = 0.5;

    private final IsolationForest forest;
    private final double[] trainingMin;
    private final double[] trainingMax;
    private final double rangeMargin;

    IsolationForestModel(String name, ModelProvenance provenance, ImmutableFeatureMap featureMap,
            ImmutableOutputInfo<Event> outputInfo, IsolationForest forest, double[][] rows,
            double rangeMargin) {
        this(name, provenance, featureMap, outputInfo, forest, columnMin(rows), columnMax(rows),
                rangeMargin);
    }

    private IsolationForestModel(String name, ModelProvenance provenance,
            ImmutableFeatureMap featureMap, ImmutableOutputInfo<Event> outputInfo,
            IsolationForest forest, double[] trainingMin, double[] trainingMax,
            double rangeMargin) {
        super(name, provenance, featureMap, outputInfo, false);
        this.forest = forest;
        this.trainingMin = trainingMin;
        this.trainingMax = trainingMax;
        this.rangeMargin = rangeMargin;
    }

    @Override
    public Prediction<Event> predict(Example<Event> example) {
        double[] row = denseVector(example, featureIDMap);
        int used = countKnownFeatures(example);
        if (used == 0) {
            throw new IllegalArgumentException("no feature of the example is known to the model: "
                    + example);
        }
        double score = forest.score(row);
        if (outOfRangeFeatures(row) > 0) {
            score = Math.max(score, forest.firstSplitScore());
        }
        Event.EventType type = score > DEFAULT_DECISION_SCORE
                ? Event.EventType.ANOMALOUS : Event.EventType.EXPECTED;
        return new Prediction<>(new Event(type, score), used, example);
    }

    /** Returns each feature's share of all splits in the forest, highest first. */
    @Override
    public Map<String, List<Pair<String, Double>>> getTopFeatures(int n) {
        return Map.of(ALL_OUTPUTS, rank(forest.splitShares(), n));
    }

    /** Returns the features that isolated the example, highest share first. */
    @Override
    public Optional<Excuse<Event>> getExcuse(Example<Event> example) {
        Prediction<Event> prediction = predict(example);
        double[] row = denseVector(example, featureIDMap);
        double[] shares = forest.contributions(row);
        if (outOfRangeFeatures(row) > 0) {
            shares = rangeExcess(row);
        }
        return Optional.of(new Excuse<>(example, prediction,
                Map.of(ALL_OUTPUTS, rank(shares, -1))));
    }

    @Override
    protected IsolationForestModel copy(String newName, ModelProvenance newProvenance) {
        return new IsolationForestModel(newName, newProvenance, featureIDMap, outputIDInfo,
                forest, trainingMin, trainingMax, rangeMargin);
    }

    private int outOfRangeFeatures(double[] row) {
        int count = 0;
        for (int f = 0; f < row.length; f++) {
            if (outOfRange(row, f)) {
                count++;
            }
        }
        return count;
    }

    private boolean outOfRange(double[] row, int feature) {
        if (rangeMargin < 0) {
            return false;
        }
        double slack = rangeMargin * (trainingMax[feature] - trainingMin[feature]);
        return row[feature] > trainingMax[feature] + slack
                || row[feature] < trainingMin[feature] - slack;
    }

    /**
     * Returns the share of each out-of-range feature by its distance beyond the training range,
     * in units of its span (at least 1), and 0 for features within range.
     */
    private double[] rangeExcess(double[] row) {
        double[] excess = new double[row.length];
        double total = 0;
        for (int f = 0; f < row.length; f++) {
            if (outOfRange(row, f)) {
                double beyond = Math.max(row[f] - trainingMax[f], trainingMin[f] - row[f]);
                excess[f] = beyond / Math.max(trainingMax[f] - trainingMin[f], 1);
                total += excess[f];
            }
        }
        for (int f = 0; f < row.length; f++) {
            excess[f] /= total;
        }
        return excess;
    }

    private static double[] columnMin(double[][] rows) {
        double[] min = rows[0].clone();
        for (double[] row : rows) {
            for (int f = 0; f < row.length; f++) {
                min[f] = Math.min(min[f], row[f]);
            }
        }
        return min;
    }

    private static double[] columnMax(double[][] rows) {
        double[] max = rows[0].clone();
        for (double[] row : rows) {
            for (int f = 0; f < row.length; f++) {
                max[f] = Math.max(max[f], row[f]);
            }
        }
        return max;
    }

    /** Returns the forest, which is immutable. */
    IsolationForest forest() {
        return forest;
    }

    /** Returns the example as a vector indexed by feature id; unknown features are dropped. */
    static double[] denseVector(Example<Event> example, ImmutableFeatureMap featureMap) {
        double[] row = new double[featureMap.size()];
        for (Feature feature : example) {
            VariableIDInfo info = featureMap.get(feature.getName());
            if (info != null) {
                row[info.getID()] = feature.getValue();
            }
        }
        return row;
    }

    private int countKnownFeatures(Example<Event> example) {
        int used = 0;
        for (Feature feature : example) {
            if (featureIDMap.get(feature.getName()) != null) {
                used++;
            }
        }
        return used;
    }

    /** Returns (feature name, weight) pairs by descending weight, at most {@code n} if n >= 0. */
    private List<Pair<String, Double>> rank(double[] weights, int n) {
        List<Pair<String, Double>> ranked = new ArrayList<>();
        for (int id = 0; id < weights.length; id++) {
            ranked.add(new Pair<>(featureIDMap.get(id).getName(), weights[id]));
        }
        ranked.sort(Comparator.comparing((Pair<String, Double> p) -> p.getB()).reversed());
        return n < 0 || n >= ranked.size() ? ranked : new ArrayList<>(ranked.subList(0, n));
    }
}
