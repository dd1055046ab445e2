package org.tarsier.detector.iforest.internal;

import java.time.OffsetDateTime;
import java.util.Map;
import java.util.SplittableRandom;

import org.tribuo.Dataset;
import org.tribuo.Example;
import org.tribuo.ImmutableFeatureMap;
import org.tribuo.Trainer;
import org.tribuo.anomaly.Event;
import org.tribuo.provenance.ModelProvenance;
import org.tribuo.provenance.TrainerProvenance;
import org.tribuo.provenance.impl.TrainerProvenanceImpl;

import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.provenance.Provenance;

/**
 * Trains {@link IsolationForestModel}s (Liu, Ting and Zhou, ICDM 2008) on anomaly datasets of
 * normal examples. Tribuo 4.3 ships no Isolation Forest, so this trainer puts one behind
 * Tribuo's {@link Trainer} contract, where it is interchangeable with Tribuo's one-class SVM.
 *
 * <p>The example outputs are ignored: Isolation Forest is unsupervised. Features absent from an
 * example count as 0, as everywhere in Tribuo.
 */
public final class IsolationForestTrainer implements Trainer<Event> {

    /** Number of trees of the original paper and of scikit-learn. */
    public static final int DEFAULT_TREES = 100;

    /** Subsample size psi of the original paper and of scikit-learn. */
    public static final int DEFAULT_SUBSAMPLE_SIZE = 256;

    @Config(description = "Number of isolation trees")
    private int trees = DEFAULT_TREES;

    @Config(description = "Rows drawn without replacement to grow each tree (psi)")
    private int subsampleSize = DEFAULT_SUBSAMPLE_SIZE;

    @Config(description = "Range guard margin as a fraction of each feature's training span;"
            + " negative turns the guard off, as in the original algorithm")
    private double rangeMargin = -1;

    @Config(description = "Seed of the random number generator")
    private long seed = Trainer.DEFAULT_SEED;

    private SplittableRandom random;
    private int invocationCount;

    /** Creates a trainer with the defaults, for OLCUT configuration. */
    private IsolationForestTrainer() {
    }

    /**
     * Creates a trainer of {@code trees} trees grown on subsamples of {@code subsampleSize}, as
     * in the original algorithm, without the range guard.
     */
    public IsolationForestTrainer(int trees, int subsampleSize, long seed) {
        this(trees, subsampleSize, -1, seed);
    }

    /**
     * Creates a trainer whose models apply the range guard with {@code rangeMargin}, a fraction
     * of each feature's training span; see {@link IsolationForestModel}.
     */
    public IsolationForestTrainer(int trees, int subsampleSize, double rangeMargin, long seed) {
        this.trees = trees;
        this.subsampleSize = subsampleSize;
        this.rangeMargin = rangeMargin;
        this.seed = seed;
        postConfig();
    }

    @Override
    public synchronized void postConfig() {
        if (trees < 1) {
            throw new IllegalArgumentException("trees must be at least 1, got " + trees);
        }
        if (subsampleSize < 2) {
            throw new IllegalArgumentException("subsampleSize must be at least 2, got "
                    + subsampleSize);
        }
        random = new SplittableRandom(seed);
    }

    @Override
    public IsolationForestModel train(Dataset<Event> examples,
            Map<String, Provenance> runProvenance) {
        return train(examples, runProvenance, INCREMENT_INVOCATION_COUNT);
    }

    @Override
    public IsolationForestModel train(Dataset<Event> examples,
            Map<String, Provenance> runProvenance, int invocation) {
        if (examples.size() == 0) {
            throw new IllegalArgumentException("cannot train on an empty dataset");
        }
        SplittableRandom localRandom;
        TrainerProvenance trainerProvenance;
        synchronized (this) {
            if (invocation != INCREMENT_INVOCATION_COUNT) {
                setInvocationCount(invocation);
            }
            localRandom = random.split();
            trainerProvenance = getProvenance();
            invocationCount++;
        }
        ImmutableFeatureMap featureMap = examples.getFeatureIDMap();
        double[][] rows = new double[examples.size()][];
        int i = 0;
        for (Example<Event> example : examples) {
            rows[i++] = IsolationForestModel.denseVector(example, featureMap);
        }
        IsolationForest forest = IsolationForest.train(rows, trees, subsampleSize, localRandom);
        ModelProvenance provenance = new ModelProvenance(IsolationForestModel.class.getName(),
                OffsetDateTime.now(), examples.getProvenance(), trainerProvenance, runProvenance);
        return new IsolationForestModel("isolation-forest", provenance, featureMap,
                examples.getOutputIDInfo(), forest, rows, rangeMargin);
    }

    @Override
    public synchronized int getInvocationCount() {
        return invocationCount;
    }

    @Override
    public synchronized void setInvocationCount(int count) {
        if (count < 0) {
            throw new IllegalArgumentException("invocation count must be 0 or more, got " + count);
        }
        random = new SplittableRandom(seed);
        for (invocationCount = 0; invocationCount < count; invocationCount++) {
            random.split();
        }
    }

    @Override
    public TrainerProvenance getProvenance() {
        return new TrainerProvenanceImpl(this);
    }

    @Override
    public String toString() {
        return "IsolationForestTrainer(trees=" + trees + ",subsampleSize=" + subsampleSize
                + ",rangeMargin=" + rangeMargin + ",seed=" + seed + ")";
    }
}
