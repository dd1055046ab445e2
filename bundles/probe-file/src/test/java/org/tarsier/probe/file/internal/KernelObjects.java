package org.tarsier.probe.file.internal;

import java.io.IOException;
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
 * Finds the kernel objects of this JVM. Other processes may load programs with the same names at
 * the same time, so the checks use this JVM's file descriptors and the ids it recorded.
 */
final class KernelObjects {

    private static final List<String> BPF_INODES = List.of(
            "anon_inode:bpf-prog", "anon_inode:bpf-map", "anon_inode:bpf_link",
            "anon_inode:[perf_event]");

    private KernelObjects() {
    }

    /** Returns "prog N" and "map N" for the kernel ids of a loaded object's programs and maps. */
    static List<String> idsOf(BpfObject object) throws IOException {
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
    static Set<String> stillLoaded(Set<String> ids) throws Exception {
        Set<String> loaded = new TreeSet<>(ids);
        for (int attempt = 0; attempt < 50 && !loaded.isEmpty(); attempt++) {
            String programs = Commands.output("bpftool", "prog", "list");
            String maps = Commands.output("bpftool", "map", "list");
            Set<String> listed = new TreeSet<>();
            programs.lines().filter(l -> l.matches("^\\d+: .*"))
                    .forEach(l -> listed.add("prog " + l.substring(0, l.indexOf(':'))));
            maps.lines().filter(l -> l.matches("^\\d+: .*"))
                    .forEach(l -> listed.add("map " + l.substring(0, l.indexOf(':'))));
            loaded.retainAll(listed);
            if (!loaded.isEmpty()) {
                Thread.sleep(100);
            }
        }
        return loaded;
    }

    /** Returns the file descriptors and mappings of this JVM that refer to BPF or perf objects. */
    static List<String> bpfHandlesOfThisProcess() throws IOException {
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

    private static String fdinfo(int fd, String field) throws IOException {
        return Files.readAllLines(Path.of("/proc/self/fdinfo/" + fd)).stream()
                .filter(line -> line.startsWith(field + ":"))
                .map(line -> line.substring(field.length() + 1).strip())
                .findFirst()
                .orElseThrow(() -> new IOException("no " + field + " in fdinfo of fd " + fd));
    }
}
