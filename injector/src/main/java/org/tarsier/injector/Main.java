package org.tarsier.injector;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

import org.tarsier.injector.docker.DockerClient;
import org.tarsier.injector.evaluate.AlertRecord;
import org.tarsier.injector.evaluate.Evaluation;
import org.tarsier.injector.evaluate.Evaluator;
import org.tarsier.injector.evaluate.Report;
import org.tarsier.injector.run.Injector;
import org.tarsier.injector.run.Janitor;
import org.tarsier.injector.run.Label;
import org.tarsier.injector.run.LabelJson;
import org.tarsier.injector.run.Plan;
import org.tarsier.injector.scenario.Caps;
import org.tarsier.injector.scenario.Kind;
import org.tarsier.injector.scenario.Limits;
import org.tarsier.injector.scenario.Scenario;
import org.tarsier.injector.scenario.ScenarioException;
import org.tarsier.injector.scenario.ScenarioLoader;

/**
 * Command line of the anomaly injector: {@code inject}, {@code evaluate}, {@code cleanup} and
 * {@code kinds}. Exit status 0 on success, 1 when an injection or the evaluation failed, 2 on a
 * usage or scenario file error.
 */
public final class Main {

    static final String USAGE = """
            usage: tarsier-injector COMMAND [OPTIONS]

              inject [OPTIONS] SCENARIO-FILE   run the scenarios (JSON or YAML) against Docker
                --dry-run                print the plan and the clamped values, touch nothing
                --labels FILE            labels file, appended to
                                         (default $TARSIER_HOME/var/injector/RUN.labels.jsonl)
                --docker-socket PATH     Docker Engine API socket (default /var/run/docker.sock)
                --max-containers N       containers at a time, at most 8
                --max-duration SECONDS   longest repetition, at most 300
                --max-cpus X             CPUs per container, at most 1.0
                --max-memory-mb N        memory per container in MiB, at most 256
                --max-pids N             tasks per container, at most 256
              evaluate [OPTIONS]       join labels with the agent's alerts and print the tables
                --labels FILE            labels file
                                         (default: newest $TARSIER_HOME/var/injector/*.labels.jsonl)
                --alerts FILE            alert JSON lines
                                         (default $TARSIER_HOME/var/log/alerts.jsonl)
                --grace SECONDS          time after an anomaly's end that alerts still count
                                         for it (default 15)
                --json FILE              also write the report as JSON to FILE
                --markdown FILE          also write the Markdown report to FILE
              cleanup                  remove containers left by crashed injector runs
              kinds                    list the anomaly kinds and their expected detections
            """;

    /** Folder of the default paths: {@code tarsier.home} when set, else the working folder. */
    static final Path HOME = Path.of(System.getProperty("tarsier.home", "."));
    static final Path DEFAULT_LABELS_DIR = HOME.resolve("var/injector");
    static final Path DEFAULT_ALERTS = HOME.resolve("var/log/alerts.jsonl");
    static final Duration DEFAULT_GRACE = Duration.ofSeconds(15);

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs one command and returns its exit status. */
    static int run(String[] args) {
        Deque<String> arguments = new ArrayDeque<>(List.of(args));
        String command = arguments.isEmpty() ? "" : arguments.removeFirst();
        try {
            return switch (command) {
                case "inject" -> inject(arguments);
                case "evaluate" -> evaluate(arguments);
                case "cleanup" -> cleanup(arguments);
                case "kinds" -> kinds();
                case "-h", "--help", "help" -> {
                    System.out.print(USAGE);
                    yield 0;
                }
                default -> throw new UsageException("unknown command '" + command + "'");
            };
        } catch (UsageException e) {
            Console.error(e.getMessage());
            System.err.print(USAGE);
            return 2;
        } catch (ScenarioException e) {
            Console.error(e.getMessage());
            return 2;
        } catch (NoSuchFileException e) {
            Console.error("file not found: " + e.getFile());
            return 2;
        } catch (IOException e) {
            Console.error(e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Console.error("interrupted");
            return 1;
        }
    }

    private static int inject(Deque<String> arguments)
            throws IOException, ScenarioException, InterruptedException, UsageException {
        boolean dryRun = false;
        Path labels = null;
        Path socket = DockerClient.DEFAULT_SOCKET;
        Caps requested = Caps.HARD;
        Path file = null;
        while (!arguments.isEmpty()) {
            String option = arguments.removeFirst();
            switch (option) {
                case "--dry-run" -> dryRun = true;
                case "--labels" -> labels = Path.of(value(option, arguments));
                case "--docker-socket" -> socket = Path.of(value(option, arguments));
                case "--max-containers" -> requested = withContainers(requested,
                        (int) positive(option, arguments));
                case "--max-duration" -> requested = withDuration(requested,
                        Duration.ofSeconds((long) positive(option, arguments)));
                case "--max-cpus" -> requested = withLimits(requested, new Limits(
                        positive(option, arguments), Long.MAX_VALUE, Long.MAX_VALUE));
                case "--max-memory-mb" -> requested = withLimits(requested, new Limits(
                        Double.MAX_VALUE, (long) positive(option, arguments), Long.MAX_VALUE));
                case "--max-pids" -> requested = withLimits(requested, new Limits(
                        Double.MAX_VALUE, Long.MAX_VALUE, (long) positive(option, arguments)));
                default -> {
                    if (option.startsWith("-") || file != null) {
                        throw new UsageException("unexpected argument '" + option + "'");
                    }
                    file = Path.of(option);
                }
            }
        }
        if (file == null) {
            throw new UsageException("inject needs a scenario file");
        }
        List<Scenario> scenarios = ScenarioLoader.load(file);
        Plan plan = Plan.of(scenarios, Caps.HARD.lowerTo(requested));
        if (dryRun) {
            plan.print(System.out);
            return 0;
        }
        plan.warnings().forEach(Console::warn);
        String runId = newRunId();
        if (labels == null) {
            labels = DEFAULT_LABELS_DIR.resolve(runId + ".labels.jsonl");
        }
        DockerClient docker = new DockerClient(socket);
        docker.ping();
        Injector injector = new Injector(docker, plan, labels, runId);
        Thread hook = new Thread(() -> {
            Console.warn("stopping run " + runId + " and removing its containers");
            injector.stop();
        }, "injector-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        int failed = injector.run();
        Runtime.getRuntime().removeShutdownHook(hook);
        System.out.println(labels);
        return failed == 0 ? 0 : 1;
    }

    private static int evaluate(Deque<String> arguments)
            throws IOException, UsageException {
        Path labels = null;
        Path alerts = DEFAULT_ALERTS;
        Duration grace = DEFAULT_GRACE;
        Path json = null;
        Path markdown = null;
        while (!arguments.isEmpty()) {
            String option = arguments.removeFirst();
            switch (option) {
                case "--labels" -> labels = Path.of(value(option, arguments));
                case "--alerts" -> alerts = Path.of(value(option, arguments));
                case "--grace" -> grace = Duration.ofMillis(
                        Math.round(nonNegative(option, arguments) * 1000));
                case "--json" -> json = Path.of(value(option, arguments));
                case "--markdown" -> markdown = Path.of(value(option, arguments));
                default -> throw new UsageException("unexpected argument '" + option + "'");
            }
        }
        if (labels == null) {
            labels = newestLabels();
        }
        List<Label> labelList = readLabels(labels);
        List<AlertRecord> alertList = readAlerts(alerts);
        Evaluation evaluation = new Evaluator(grace).evaluate(labelList, alertList);
        String report = Report.markdown(evaluation);
        System.out.print(report);
        if (markdown != null) {
            Files.writeString(markdown, report, StandardCharsets.UTF_8);
        }
        if (json != null) {
            Files.writeString(json, Report.json(evaluation), StandardCharsets.UTF_8);
        }
        return 0;
    }

    private static int cleanup(Deque<String> arguments) throws IOException, UsageException {
        Path socket = DockerClient.DEFAULT_SOCKET;
        while (!arguments.isEmpty()) {
            String option = arguments.removeFirst();
            if (!option.equals("--docker-socket")) {
                throw new UsageException("unexpected argument '" + option + "'");
            }
            socket = Path.of(value(option, arguments));
        }
        int removed = new Janitor(new DockerClient(socket)).removeLeftovers();
        Console.info("removed " + removed + " leftover container(s)");
        return 0;
    }

    private static int kinds() {
        System.out.println("| kind | intensity (default, max) | what it does | expected |");
        System.out.println("| --- | --- | --- | --- |");
        for (Kind kind : Kind.values()) {
            System.out.printf("| %s | %s (%d, %d) | %s | %s |%n", kind.id(), kind.unit(),
                    kind.defaultIntensity(), kind.maxIntensity(),
                    kind.describe(kind.defaultIntensity()),
                    kind.expected().isEmpty() ? "none" : String.join(", ", kind.expected()));
        }
        return 0;
    }

    static List<Label> readLabels(Path file) throws IOException {
        List<Label> labels = new ArrayList<>();
        int number = 0;
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            number++;
            if (line.isBlank()) {
                continue;
            }
            try {
                labels.add(LabelJson.fromLine(line));
            } catch (RuntimeException e) {
                throw new IOException(file + " line " + number + ": invalid label: "
                        + e.getMessage(), e);
            }
        }
        return labels;
    }

    static List<AlertRecord> readAlerts(Path file) throws IOException {
        List<AlertRecord> alerts = new ArrayList<>();
        int number = 0;
        int invalid = 0;
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            number++;
            if (line.isBlank()) {
                continue;
            }
            try {
                alerts.add(AlertRecord.parse(line));
            } catch (RuntimeException e) {
                if (invalid++ == 0) {
                    Console.warn(file + " line " + number + ": skipped invalid alert: "
                            + e.getMessage());
                }
            }
        }
        if (invalid > 1) {
            Console.warn(file + ": skipped " + invalid + " invalid alert lines in all");
        }
        return alerts;
    }

    private static Path newestLabels() throws IOException, UsageException {
        if (!Files.isDirectory(DEFAULT_LABELS_DIR)) {
            throw new UsageException("no --labels given and " + DEFAULT_LABELS_DIR.toAbsolutePath()
                    + " does not exist");
        }
        try (Stream<Path> files = Files.list(DEFAULT_LABELS_DIR)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".labels.jsonl"))
                    .max((a, b) -> a.getFileName().toString()
                            .compareTo(b.getFileName().toString()))
                    .orElseThrow(() -> new UsageException("no --labels given and no"
                            + " *.labels.jsonl in " + DEFAULT_LABELS_DIR.toAbsolutePath()));
        }
    }

    /** Returns a run id that sorts by start time, e.g. {@code 20260101T120000Z-3fa2}. */
    static String newRunId() {
        String time = LocalDateTime.now(ZoneOffset.UTC)
                .format(DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'"));
        byte[] random = new byte[2];
        ThreadLocalRandom.current().nextBytes(random);
        return time + "-" + HexFormat.of().formatHex(random);
    }

    private static Caps withContainers(Caps caps, int containers) {
        return caps.lowerTo(new Caps(containers, caps.maxDuration(), caps.maxStart(),
                caps.maxRepetitions(), caps.maxLimits()));
    }

    private static Caps withDuration(Caps caps, Duration duration) {
        return caps.lowerTo(new Caps(caps.maxContainers(), duration, caps.maxStart(),
                caps.maxRepetitions(), caps.maxLimits()));
    }

    private static Caps withLimits(Caps caps, Limits limits) {
        return caps.lowerTo(new Caps(caps.maxContainers(), caps.maxDuration(), caps.maxStart(),
                caps.maxRepetitions(), limits));
    }

    private static String value(String option, Deque<String> arguments) throws UsageException {
        if (arguments.isEmpty()) {
            throw new UsageException(option + " needs a value");
        }
        return arguments.removeFirst();
    }

    private static double positive(String option, Deque<String> arguments)
            throws UsageException {
        double number = nonNegative(option, arguments);
        if (number <= 0) {
            throw new UsageException("invalid " + option + " '" + number
                    + "': expected a positive number");
        }
        return number;
    }

    private static double nonNegative(String option, Deque<String> arguments)
            throws UsageException {
        String text = value(option, arguments);
        try {
            double number = Double.parseDouble(text);
            if (number < 0 || Double.isNaN(number)) {
                throw new NumberFormatException();
            }
            return number;
        } catch (NumberFormatException e) {
            throw new UsageException("invalid " + option + " '" + text
                    + "': expected a non-negative number");
        }
    }

    /** A command-line error; the usage text follows the message. */
    static final class UsageException extends Exception {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }
}
