package org.tarsier.itest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** Reads the kernel's BPF objects through bpftool and this JVM's resources through /proc. */
final class Kernel {

    private static final Pattern ID = Pattern.compile("^(\\d+): ", Pattern.MULTILINE);
    private static final Pattern PROGRAM = Pattern.compile("^(\\d+): \\S+\\s+name (\\S+)");
    private static final Pattern MAP_IDS = Pattern.compile("map_ids ([\\d,]+)");
    private static final Pattern LINK = Pattern.compile("^(\\d+): .*?prog (\\d+)",
            Pattern.MULTILINE);

    private Kernel() {
    }

    /** Returns the ids of every BPF program in the kernel. */
    static Set<Integer> programIds() throws IOException, InterruptedException {
        return ids("prog");
    }

    /** Returns the ids of every BPF map in the kernel. */
    static Set<Integer> mapIds() throws IOException, InterruptedException {
        return ids("map");
    }

    /** Returns the ids of every BPF link in the kernel. */
    static Set<Integer> linkIds() throws IOException, InterruptedException {
        return ids("link");
    }

    /** A loaded BPF program as {@code bpftool prog list} shows it. */
    record Program(int id, String name, Set<Integer> mapIds) {
    }

    /** Returns every BPF program in the kernel with its name and maps. */
    static List<Program> programs() throws IOException, InterruptedException {
        Docker.Result result = Docker.run(List.of("bpftool", "prog", "list"), 30);
        if (result.exitCode() != 0) {
            throw new IOException("bpftool prog list failed: " + result.stderr());
        }
        List<Program> programs = new java.util.ArrayList<>();
        // Each program starts a line with "ID: type  name NAME"; its map_ids follow below it.
        for (String record : result.stdout().split("\n(?=\\d+: )")) {
            Matcher program = PROGRAM.matcher(record);
            if (!program.find()) {
                continue;
            }
            Set<Integer> maps = new TreeSet<>();
            Matcher mapIds = MAP_IDS.matcher(record);
            if (mapIds.find()) {
                for (String id : mapIds.group(1).split(",")) {
                    maps.add(Integer.parseInt(id));
                }
            }
            programs.add(new Program(Integer.parseInt(program.group(1)), program.group(2), maps));
        }
        return programs;
    }

    /** Returns the ids of the BPF links attached to any of the given programs. */
    static Set<Integer> linksOf(Set<Integer> programIds) throws IOException, InterruptedException {
        Docker.Result result = Docker.run(List.of("bpftool", "link", "list"), 30);
        Set<Integer> links = new TreeSet<>();
        Matcher matcher = LINK.matcher(result.stdout());
        while (matcher.find()) {
            if (programIds.contains(Integer.parseInt(matcher.group(2)))) {
                links.add(Integer.parseInt(matcher.group(1)));
            }
        }
        return links;
    }

    private static Set<Integer> ids(String object) throws IOException, InterruptedException {
        Docker.Result result = Docker.run(List.of("bpftool", object, "list"), 30);
        if (result.exitCode() != 0) {
            throw new IOException("bpftool " + object + " list failed: " + result.stderr());
        }
        Set<Integer> ids = new TreeSet<>();
        Matcher matcher = ID.matcher(result.stdout());
        while (matcher.find()) {
            ids.add(Integer.parseInt(matcher.group(1)));
        }
        return ids;
    }

    /** A reading of kernel state that may fail. */
    @FunctionalInterface
    interface Reading<T> {
        T read() throws IOException, InterruptedException;
    }

    /**
     * Reads until the value satisfies the condition or 5 s pass, and returns the last value.
     * The kernel releases BPF objects asynchronously, so a check right after a close can see
     * them for a few milliseconds more.
     */
    static <T> T await(Reading<T> reading, java.util.function.Predicate<T> condition)
            throws IOException, InterruptedException {
        long deadline = System.currentTimeMillis() + 5_000;
        T value = reading.read();
        while (!condition.test(value) && System.currentTimeMillis() < deadline) {
            Thread.sleep(100);
            value = reading.read();
        }
        return value;
    }

    /**
     * Returns the open file descriptors of this JVM with what each refers to, e.g. {@code 7 ->
     * anon_inode:[eventpoll]}. A descriptor closed while the list is read is left out.
     */
    static Map<String, String> openFiles() throws IOException {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : (Iterable<Path>) fds::iterator) {
                try {
                    files.put(fd.getFileName().toString(), Files.readSymbolicLink(fd).toString());
                } catch (IOException closed) {
                    // closed between the listing and the read
                }
            }
        }
        return files;
    }

    /** Returns the number of threads of this JVM, native ones included. */
    static long threads() throws IOException {
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            return tasks.count();
        }
    }
}
