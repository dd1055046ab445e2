package org.tarsier.detector.iforest.internal;

import java.util.ArrayList;
import java.util.List;

import org.tribuo.Example;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.anomaly.AnomalyFactory;
import org.tribuo.anomaly.Event;
import org.tribuo.impl.ArrayExample;
import org.tribuo.provenance.SimpleDataSourceProvenance;

/** Turns plain rows into Tribuo anomaly examples and datasets with features f0, f1, … */
final class TribuoRows {

    private static final AnomalyFactory FACTORY = new AnomalyFactory();

    private TribuoRows() {
    }

    static MutableDataset<Event> dataset(double[][] rows) {
        MutableDataset<Event> dataset = new MutableDataset<>(
                new SimpleDataSourceProvenance("synthetic rows", FACTORY), FACTORY);
        for (double[] row : rows) {
            dataset.add(example(row));
        }
        return dataset;
    }

    static Example<Event> example(double[] row) {
        String[] names = new String[row.length];
        for (int i = 0; i < row.length; i++) {
            names[i] = "f" + i;
        }
        return new ArrayExample<>(AnomalyFactory.EXPECTED_EVENT, names, row.clone());
    }

    static double[] scores(Model<Event> model, double[][] rows) {
        List<Example<Event>> examples = new ArrayList<>();
        for (double[] row : rows) {
            examples.add(example(row));
        }
        return model.predict(examples).stream()
                .mapToDouble(prediction -> prediction.getOutput().getScore())
                .toArray();
    }
}
