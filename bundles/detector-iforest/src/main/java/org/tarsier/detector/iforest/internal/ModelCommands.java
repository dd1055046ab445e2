package org.tarsier.detector.iforest.internal;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** Gogo commands of the {@code model} scope; each returns the text the shell prints. */
@Component(service = ModelCommands.class, property = {
    "osgi.command.scope=model",
    "osgi.command.function=list",
    "osgi.command.function=train",
    "osgi.command.function=score",
    "osgi.command.function=export"})
public final class ModelCommands {

    @Reference
    private ModelManager manager;

    /** Creates commands for the DS runtime. */
    public ModelCommands() {
    }

    /** Lists the models per image: kind, learning or trained, threshold and counters. */
    public String list() {
        var lines = manager.describeModels();
        return lines.isEmpty() ? "no image seen yet" : String.join(System.lineSeparator(), lines);
    }

    /** Trains the model of the image now, on the windows kept for it. */
    public String train(String image) {
        return manager.train(image);
    }

    /** Scores the container's last window with its image's model. */
    public String score(String container) {
        return manager.score(container);
    }

    /** Writes the windows kept for the image, its training set, to a CSV file. */
    public String export(String image, String file) {
        return manager.export(image, file);
    }
}
