package org.tarsier.detector.iforest.internal;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;

import org.tarsier.api.feature.FeatureWindow;
import org.tribuo.Example;
import org.tribuo.MutableDataset;
import org.tribuo.anomaly.AnomalyFactory;
import org.tribuo.anomaly.Event;
import org.tribuo.impl.ArrayExample;
import org.tribuo.provenance.SimpleDataSourceProvenance;

/** Converts feature windows into Tribuo anomaly examples and datasets, matched by name. */
final class WindowExamples {

    private static final AnomalyFactory FACTORY = new AnomalyFactory();

    private WindowExamples() {
    }

    /**
     * Returns the window as an example labelled {@code EXPECTED}. Values that are not finite
     * become 0, because Tribuo rejects examples with NaN features.
     */
    static Example<Event> example(FeatureWindow window) {
        String[] names = window.names().toArray(String[]::new);
        double[] values = window.values();
        for (int i = 0; i < values.length; i++) {
            if (!Double.isFinite(values[i])) {
                values[i] = 0;
            }
        }
        return new ArrayExample<>(AnomalyFactory.EXPECTED_EVENT, names, values);
    }

    /** Returns a dataset of the windows of one image, as normal examples. */
    static MutableDataset<Event> dataset(String image, List<FeatureWindow> windows) {
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        MutableDataset<Event> dataset = new MutableDataset<>(
                new SimpleDataSourceProvenance("feature windows of " + image, now, FACTORY),
                FACTORY);
        for (FeatureWindow window : windows) {
            dataset.add(example(window));
        }
        return dataset;
    }
}
