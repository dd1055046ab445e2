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
 */
public final class IsolationForestModel extends Model<Event> {

    private static final long serialVersionUID = 1L;

    /**
     * Score above which a prediction is {@code ANOMALOUS}: the cut the original paper suggests
     * and scikit-learn's {@code contamination="auto"} uses. The detector sets its own threshold.
     */
    public static final double DEFAULT_DECISION_SCORE = 0.5;

    private final IsolationForest forest;

    IsolationForestModel(String name, ModelProvenance provenance, ImmutableFeatureMap featureMap,
            ImmutableOutputInfo<Event> outputInfo, IsolationForest forest) {
        super(name, provenance, featureMap, outputInfo, false);
        this.forest = forest;
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
        double[] shares = forest.contributions(denseVector(example, featureIDMap));
        return Optional.of(new Excuse<>(example, prediction,
                Map.of(ALL_OUTPUTS, rank(shares, -1))));
    }

    @Override
    protected IsolationForestModel copy(String newName, ModelProvenance newProvenance) {
        return new IsolationForestModel(newName, newProvenance, featureIDMap, outputIDInfo,
                forest);
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
        return n < 0 || n >= ranked.size() ? ranked : ranked.subList(0, n);
    }
}
