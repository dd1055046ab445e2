package org.tarsier.detector.rules.internal.eval;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.tarsier.api.container.ContainerInfo;
import org.tarsier.api.event.Event;
import org.tarsier.api.event.EventHeader;
import org.tarsier.api.event.ExecEvent;
import org.tarsier.api.event.ExitEvent;
import org.tarsier.api.event.FileEvent;
import org.tarsier.api.event.FileOperation;
import org.tarsier.api.event.ForkEvent;
import org.tarsier.api.event.SyscallEvent;
import org.tarsier.api.event.TcpEvent;
import org.tarsier.api.event.TcpOperation;
import org.tarsier.detector.rules.internal.RulesManager;
import org.tarsier.detector.rules.internal.lang.RuleException;
import org.tarsier.detector.rules.internal.load.RuleSource;
import org.tarsier.detector.rules.internal.load.RulesLoader;

/**
 * Events per second that one {@link Engine} evaluates, with the default ruleset or Falco's
 * stable ruleset, on three event mixes. The build compiles this class with the tests but
 * Surefire does not run it: {@code bench/rules-throughput.sh} runs it through JMH's main class.
 *
 * <p>Each invocation evaluates the next event of a prepared cycle of {@value #CYCLE} events, so
 * the score in operations per second is events per second. The alert rate limit has its
 * defaults (1 alert per second per rule and container, burst 10), so most matches of a rule are
 * suppressed after the first ones, as in the agent.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class RuleEvaluationBenchmark {

    static final int CYCLE = 4096;

    /** System property with the path of Falco's falco_rules.yaml. */
    static final String FALCO_RULES_PROPERTY = "tarsier.compat.falco.rules";

    private static final ContainerInfo WEB = new ContainerInfo("docker", "a".repeat(64), "web",
            "registry.example/shop/web:1.4", Map.of(), "", "", "");
    private static final ContainerInfo DB = new ContainerInfo("docker", "b".repeat(64), "db",
            "postgres:16", Map.of(), "", "", "");
    private static final long T0 = 1_700_000_000_000_000_000L;

    @Param({"default", "falco"})
    public String ruleset;

    /**
     * Event mix: {@code process} (exec, fork, exit: a shell-script workload), {@code file}
     * (opens, writes and renames: a busy service with the file probe on every open) or
     * {@code mixed} (process, file, TCP and syscall events in the shares a container host shows).
     */
    @Param({"process", "file", "mixed"})
    public String mix;

    private Engine engine;
    private Event[] events;
    private int next;

    @Setup
    public void setUp() throws IOException, RuleException {
        engine = new Engine(UserNames.of(Map.of(0, "root", 33, "www-data"), Map.of(0, "root")),
                "bench", 32_768, System::nanoTime);
        engine.setRateLimit(1.0, 10);
        engine.install(RuleSet.compile(RulesLoader.load(List.of(source(ruleset)))));
        events = events(mix).toArray(Event[]::new);
    }

    @Benchmark
    public int evaluate() {
        Event event = events[next];
        next = (next + 1) % events.length;
        return engine.process(event).size();
    }

    static RuleSource source(String ruleset) throws IOException {
        if (ruleset.equals("default")) {
            return RulesManager.defaultSource();
        }
        String property = System.getProperty(FALCO_RULES_PROPERTY);
        if (property == null) {
            throw new IllegalStateException("system property " + FALCO_RULES_PROPERTY
                    + " is not set; pass the path of falco_rules.yaml");
        }
        Path file = Path.of(property);
        return new RuleSource(file.getFileName().toString(), Files.readString(file));
    }

    /** Returns {@value #CYCLE} events of the mix, with process ids reused in every cycle. */
    static List<Event> events(String mix) {
        List<Event> events = new ArrayList<>(CYCLE);
        int round = 0;
        while (events.size() < CYCLE) {
            switch (mix) {
                case "process" -> addProcessRound(events, round);
                case "file" -> addFileRound(events, round);
                case "mixed" -> addMixedRound(events, round);
                default -> throw new IllegalArgumentException("unknown event mix: " + mix);
            }
            round++;
        }
        return events.subList(0, CYCLE);
    }

    /** Adds the events of a shell in a container that starts a child running a tool. */
    private static void addProcessRound(List<Event> events, int round) {
        int shell = 1000 + (round % 64) * 4;
        int child = shell + 1;
        long t = T0 + round * 1_000_000L;
        String[][] tools = {{"/bin/ls", "ls", "-l", "/srv"}, {"/usr/bin/curl", "curl", "-s",
            "http://db:5432/health"}, {"/bin/sh", "sh", "-c", "date"}, {"/usr/bin/id", "id"}};
        String[] tool = tools[round % tools.length];
        events.add(exec(t, WEB, shell, 1, "/bin/bash", "bash", "/srv/run.sh"));
        events.add(new ForkEvent(header(t + 1, shell, 1, "bash"), WEB, child, child));
        events.add(exec(t + 2, WEB, child, shell, tool[0], java.util.Arrays.copyOfRange(tool, 1,
                tool.length)));
        events.add(new ExitEvent(header(t + 3, child, shell, tool[1]), WEB, 0, 0, 0));
        events.add(new ExitEvent(header(t + 4, shell, 1, "bash"), WEB, 0, 0, 0));
    }

    /** Adds the file events of a web server and a database, one round of each. */
    private static void addFileRound(List<Event> events, int round) {
        int pid = 2000 + round % 8;
        long t = T0 + round * 1_000_000L;
        events.add(open(t, WEB, pid, "nginx", "/srv/www/index.html", 0));
        events.add(open(t + 1, WEB, pid, "nginx", "/srv/www/static/app.js", 0));
        events.add(open(t + 2, WEB, pid, "nginx", "/etc/nginx/mime.types", 0));
        events.add(open(t + 3, WEB, pid, "nginx", "/var/log/nginx/access.log", 02101));
        events.add(open(t + 4, WEB, pid, "nginx", "/tmp/upload-" + (round % 16), 0101));
        events.add(file(t + 5, WEB, pid, "nginx", FileOperation.RENAME,
                "/tmp/upload-" + (round % 16), "/srv/data/upload-" + (round % 16)));
        events.add(file(t + 6, DB, 3000, "postgres", FileOperation.UNLINK,
                "/var/lib/postgresql/data/pg_wal/tmp" + (round % 4), ""));
        events.add(open(t + 7, DB, 3000, "postgres", "/var/lib/postgresql/data/base/1/1259", 02));
    }

    /** Adds process, file, TCP and memfd_create events across two containers. */
    private static void addMixedRound(List<Event> events, int round) {
        long t = T0 + round * 1_000_000L;
        if (round % 4 == 0) {
            addProcessRound(events, round);
        }
        addFileRound(events, round);
        events.add(connect(t + 10, WEB, 2000 + round % 8, "nginx", "10.0.0.5", 5432));
        events.add(connect(t + 11, DB, 3000, "postgres", "10.0.0.7", 443));
        events.add(new TcpEvent(header(t + 12, 3000, 1, "postgres"), DB, TcpOperation.ACCEPT, 4,
                "10.0.0.5", 5432, "10.0.0.2", 40000 + round % 1000, 0, "", "", "", 0, 0, 0));
        if (round % 16 == 0) {
            events.add(new SyscallEvent(header(t + 13, 3000, 1, "postgres"), DB, 319,
                    "memfd_create", List.of(0L, 0L, 0L, 0L, 0L, 0L),
                    Map.of("name", "jit", "flags", "MFD_CLOEXEC"), 5, ""));
        }
    }

    private static EventHeader header(long time, int pid, int ppid, String comm) {
        return new EventHeader(time, 4242, pid, pid, ppid, 0, 0, comm);
    }

    private static ExecEvent exec(long time, ContainerInfo container, int pid, int ppid,
            String filename, String... argv) {
        String comm = filename.substring(filename.lastIndexOf('/') + 1);
        return new ExecEvent(header(time, pid, ppid, comm), container, filename, List.of(argv),
                false, "/srv", "docker/" + container.id());
    }

    private static FileEvent open(long time, ContainerInfo container, int pid, String comm,
            String path, int flags) {
        return new FileEvent(header(time, pid, 1, comm), container, FileOperation.OPEN, path, "",
                flags, 0644, -1, -1, 7, "");
    }

    private static FileEvent file(long time, ContainerInfo container, int pid, String comm,
            FileOperation operation, String path, String target) {
        return new FileEvent(header(time, pid, 1, comm), container, operation, path, target, 0,
                0, -1, -1, 0, "");
    }

    private static TcpEvent connect(long time, ContainerInfo container, int pid, String comm,
            String remote, int port) {
        return new TcpEvent(header(time, pid, 1, comm), container, TcpOperation.CONNECT, 4,
                "10.0.0.2", 41000, remote, port, 0, "", "", "", 0, 0, 0);
    }
}
