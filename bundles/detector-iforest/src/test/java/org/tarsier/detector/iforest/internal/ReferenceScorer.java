package org.tarsier.detector.iforest.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs scikit-learn's IsolationForest through {@code src/test/python/sklearn_iforest.py} on the
 * same rows as a Java test. Needs Debian's {@code python3} with {@code python3-sklearn}, which
 * {@code ./tarsier test} installs; the interpreter is {@code /usr/bin/python3} unless the system
 * property {@code tarsier.python} names another, because a {@code python3} found first on the
 * PATH (pyenv, a virtualenv) does not see Debian's packages.
 */
final class ReferenceScorer {

    static final Path SCRIPT = Path.of("src/test/python/sklearn_iforest.py");
    static final String PYTHON = System.getProperty("tarsier.python", "/usr/bin/python3");

    private ReferenceScorer() {
    }

    /** Fits on {@code train} and returns the reference scores of {@code test}. */
    static double[] score(double[][] train, double[][] test, Path workDir, long seed)
            throws IOException, InterruptedException {
        Path trainFile = workDir.resolve("train.csv");
        Path testFile = workDir.resolve("test.csv");
        Path output = workDir.resolve("scores.txt");
        writeCsv(trainFile, train);
        writeCsv(testFile, test);
        Process process = new ProcessBuilder(PYTHON, SCRIPT.toString(), trainFile.toString(),
                testFile.toString(), output.toString(), Long.toString(seed))
                .redirectErrorStream(true)
                .redirectOutput(workDir.resolve("python.log").toFile())
                .start();
        if (!process.waitFor(5, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new IOException("scikit-learn reference timed out after 5 minutes");
        }
        if (process.exitValue() != 0) {
            throw new IOException("scikit-learn reference failed with exit code "
                    + process.exitValue() + " (install python3-sklearn): "
                    + Files.readString(workDir.resolve("python.log")));
        }
        return Files.readAllLines(output).stream().mapToDouble(Double::parseDouble).toArray();
    }

    private static void writeCsv(Path file, double[][] rows) throws IOException {
        List<String> lines = new ArrayList<>(rows.length);
        for (double[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                line.append(i == 0 ? "" : ",").append(row[i]);
            }
            lines.add(line.toString());
        }
        Files.write(file, lines);
    }
}
