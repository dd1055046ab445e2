package org.tarsier.libbpf.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import org.tarsier.libbpf.BpfMap;
import org.tarsier.libbpf.BpfObject;
import org.tarsier.libbpf.BpfProgram;

/**
 * Finds the kernel objects of this JVM. Other processes load BPF programs at the same time, so
 * the checks use this JVM's file descriptors and the ids it recorded, never the global list.
 */
public final class KernelObjects {

    private static final List<String> BPF_INODES = List.of(
            "anon_inode:bpf-prog", "anon_inode:bpf-map", "anon_inode:bpf_link",
            "anon_inode:[perf_event]");

    private KernelObjects() {
    }

    /** Returns "prog N" and "map N" for the kernel ids of a loaded object's programs and maps. */
    public static List<String> idsOf(BpfObject object) throws IOException {
        List<String> ids = new ArrayList<>();
        for (BpfProgram program : object.programs()) {
            ids.add("prog " + fdinfo(program.fd(), "prog_id"));
        }
        for (BpfMap map : object.maps()) {
            ids.add("map " + fdinfo(map.fd(), "map_id"));
        }
        return ids;
    }

    /** Returns the ids that bpftool still lists, after the kernel's deferred frees settle. */
    public static Set<String> stillLoaded(Set<String> ids) throws Exception {
        Set<String> loaded = new TreeSet<>(ids);
        for (int attempt = 0; attempt < 50 && !loaded.isEmpty(); attempt++) {
            Set<String> listed = new TreeSet<>();
            listed.addAll(listedIds("prog"));
            listed.addAll(listedIds("map"));
            loaded.retainAll(listed);
            if (!loaded.isEmpty()) {
                Thread.sleep(100);
            }
        }
        return loaded;
    }

    /** Returns the file descriptors and mappings of this JVM that refer to BPF or perf objects. */
    public static List<String> bpfHandlesOfThisProcess() throws IOException {
        List<String> handles = new ArrayList<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : fds.toList()) {
                String target;
                try {
                    target = Files.readSymbolicLink(fd).toString();
                } catch (IOException e) {
                    continue;
                }
                if (BPF_INODES.contains(target)) {
                    handles.add("fd " + fd.getFileName() + " -> " + target);
                }
            }
        }
        Files.readAllLines(Path.of("/proc/self/maps")).stream()
                .filter(line -> line.contains("bpf-map") || line.contains("bpf-prog"))
                .forEach(line -> handles.add("mapping " + line));
        return handles;
    }

    /** Returns the number of open file descriptors of this JVM. */
    public static long openFileDescriptors() throws IOException {
        try (Stream<Path> entries = Files.list(Path.of("/proc/self/fd"))) {
            return entries.count();
        }
    }

    private static List<String> listedIds(String kind) throws Exception {
        Process process = new ProcessBuilder("bpftool", kind, "list")
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String output = new String(process.getInputStream().readAllBytes(),
                StandardCharsets.UTF_8);
        process.waitFor();
        return output.lines().filter(line -> line.matches("^\\d+: .*"))
                .map(line -> kind + " " + line.substring(0, line.indexOf(':')))
                .toList();
    }

    private static String fdinfo(int fd, String field) throws IOException {
        return Files.readAllLines(Path.of("/proc/self/fdinfo/" + fd)).stream()
                .filter(line -> line.startsWith(field + ":"))
                .map(line -> line.substring(field.length() + 1).strip())
                .findFirst()
                .orElseThrow(() -> new IOException("no " + field + " in fdinfo of fd " + fd));
    }
}
