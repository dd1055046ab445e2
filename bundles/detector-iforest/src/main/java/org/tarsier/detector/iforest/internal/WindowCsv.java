package org.tarsier.detector.iforest.internal;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.tarsier.api.feature.FeatureWindow;

/**
 * Writes feature windows as CSV: a header {@code container_id,container_name,window_start,
 * window_end} followed by the feature names of the first window, then one line per window with
 * the values in that order; a feature a window lacks is written as NaN.
 */
final class WindowCsv {

    static final List<String> KEY_COLUMNS =
            List.of("container_id", "container_name", "window_start", "window_end");

    private WindowCsv() {
    }

    static void write(Path file, List<FeatureWindow> windows) throws IOException {
        if (windows.isEmpty()) {
            throw new IllegalArgumentException("no windows to write");
        }
        List<String> names = windows.get(0).names();
        try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            out.write(String.join(",", KEY_COLUMNS) + "," + String.join(",", names) + "\n");
            for (FeatureWindow window : windows) {
                StringBuilder line = new StringBuilder();
                line.append(window.container().id()).append(',')
                        .append(window.container().name().replace(',', '_')).append(',')
                        .append(window.start()).append(',').append(window.end());
                for (String name : names) {
                    line.append(',').append(format(window.value(name)));
                }
                out.write(line.append('\n').toString());
            }
        }
    }

    private static String format(double value) {
        return value == Math.rint(value) && Math.abs(value) < 1e15
                ? Long.toString((long) value) : Double.toString(value);
    }
}
