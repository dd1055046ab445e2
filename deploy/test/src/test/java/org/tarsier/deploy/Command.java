package org.tarsier.deploy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs a command of the host (docker, bpftool, the image build script) and collects its output. */
final class Command {

    private Command() {
    }

    /** Runs a command with stdin at /dev/null, killing it after the timeout. */
    static Result run(List<String> command, long timeoutSeconds)
            throws IOException, InterruptedException {
        return run(command, Map.of(), timeoutSeconds);
    }

    /** Runs a command with extra environment variables, killing it after the timeout. */
    static Result run(List<String> command, Map<String, String> environment, long timeoutSeconds)
            throws IOException, InterruptedException {
        Path out = Files.createTempFile("tarsier-cmd", ".out");
        Path err = Files.createTempFile("tarsier-cmd", ".err");
        try {
            ProcessBuilder builder = new ProcessBuilder(command)
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
            builder.environment().putAll(environment);
            Process process = builder.start();
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException(command + " timed out after " + timeoutSeconds + " s");
            }
            return new Result(process.exitValue(),
                    Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /** Runs a command and returns its standard output, or throws with its error output. */
    static String checked(List<String> command, long timeoutSeconds)
            throws IOException, InterruptedException {
        Result result = run(command, timeoutSeconds);
        if (result.exitCode() != 0) {
            throw new IOException(command + " failed with exit code " + result.exitCode()
                    + ": " + result.stderr());
        }
        return result.stdout();
    }

    /** Exit code and output of a finished command. */
    record Result(int exitCode, String stdout, String stderr) {
    }
}
