package org.tarsier.detector.stats.internal;

import java.time.Instant;
import java.util.List;

import org.tarsier.api.container.ContainerInfo;

/** One container's baselines and the deviation streak of each feature. */
final class ContainerModel {

    private ContainerInfo info;
    private final List<String> names;
    private final RobustBaseline[] baselines;
    private final int[] streaks;
    private final boolean[] alerted;
    private long learnedWindows;
    private int graceWindows;
    private final boolean fromImage;
    private Instant lastWindowEnd = Instant.EPOCH;

    /** Creates a container that learns from scratch. */
    ContainerModel(ContainerInfo info, List<String> names, int historyWindows) {
        this(info, names, fresh(names.size(), historyWindows), 0, 0, false);
    }

    private ContainerModel(ContainerInfo info, List<String> names, RobustBaseline[] baselines,
            long learnedWindows, int graceWindows, boolean fromImage) {
        this.info = info;
        this.names = List.copyOf(names);
        this.baselines = baselines;
        this.streaks = new int[names.size()];
        this.alerted = new boolean[names.size()];
        this.learnedWindows = learnedWindows;
        this.graceWindows = graceWindows;
        this.fromImage = fromImage;
    }

    /** Creates a container that starts from a copy of another container's baselines. */
    static ContainerModel startedFrom(ContainerInfo info, ImageBaseline source, int graceWindows) {
        RobustBaseline[] copies = new RobustBaseline[source.baselines().length];
        for (int i = 0; i < copies.length; i++) {
            copies[i] = source.baselines()[i].copy();
        }
        return new ContainerModel(info, source.names(), copies, source.learnedWindows(),
                graceWindows, true);
    }

    /** Returns a copy of the baselines, to start later containers of the same image from. */
    ImageBaseline snapshot() {
        RobustBaseline[] copies = new RobustBaseline[baselines.length];
        for (int i = 0; i < copies.length; i++) {
            copies[i] = baselines[i].copy();
        }
        return new ImageBaseline(names, copies, learnedWindows);
    }

    ContainerInfo info() {
        return info;
    }

    void setInfo(ContainerInfo info) {
        this.info = info;
    }

    List<String> names() {
        return names;
    }

    boolean fromImage() {
        return fromImage;
    }

    long learnedWindows() {
        return learnedWindows;
    }

    Instant lastWindowEnd() {
        return lastWindowEnd;
    }

    void setLastWindowEnd(Instant end) {
        lastWindowEnd = end;
    }

    /** Returns whether windows are scored: warm-up done and no start grace left. */
    boolean scoring(int warmupWindows) {
        return learnedWindows >= warmupWindows && graceWindows == 0;
    }

    boolean warm(int warmupWindows) {
        return learnedWindows >= warmupWindows;
    }

    RobustBaseline baseline(int feature) {
        return baselines[feature];
    }

    /** Adds a window's values to every feature's history. */
    void learn(double[] values) {
        for (int i = 0; i < baselines.length; i++) {
            baselines[i].add(values[i]);
        }
        learnedWindows++;
        if (graceWindows > 0) {
            graceWindows--;
        }
    }

    /**
     * Records whether a feature deviates in this window and returns the length of its streak
     * of deviating windows, 0 when it does not deviate.
     */
    int recordDeviation(int feature, boolean deviates) {
        if (!deviates) {
            streaks[feature] = 0;
            alerted[feature] = false;
            return 0;
        }
        return ++streaks[feature];
    }

    /** Marks the feature's current streak as alerted; returns false if it already was. */
    boolean markAlerted(int feature) {
        if (alerted[feature]) {
            return false;
        }
        alerted[feature] = true;
        return true;
    }

    private static RobustBaseline[] fresh(int count, int historyWindows) {
        RobustBaseline[] baselines = new RobustBaseline[count];
        for (int i = 0; i < count; i++) {
            baselines[i] = new RobustBaseline(historyWindows);
        }
        return baselines;
    }
}
