package org.tarsier.probe.syscall.internal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Syscall numbers and names of the running architecture: the native ABI and, on x86_64, the
 * i386 ABI that 32-bit tasks and {@code int 0x80} use. The tables are resources generated from
 * the Linux UAPI headers by tools/generate-tables.sh.
 */
final class SyscallTable {

    /** Syscall ABIs, numbered as {@code enum syscall_abi} in syscall.h. */
    enum Abi {
        NATIVE,
        COMPAT
    }

    private final String architecture;
    private final Map<Integer, String> nativeNames;
    private final Map<Integer, String> compatNames;
    private final Map<String, Integer> nativeNumbers;
    private final Map<String, Integer> compatNumbers;

    private SyscallTable(String architecture, Map<Integer, String> nativeNames,
            Map<Integer, String> compatNames) {
        this.architecture = architecture;
        this.nativeNames = Collections.unmodifiableMap(nativeNames);
        this.compatNames = Collections.unmodifiableMap(compatNames);
        this.nativeNumbers = invert(nativeNames);
        this.compatNumbers = invert(compatNames);
    }

    /**
     * Returns the table of the JVM's architecture.
     *
     * @throws IllegalStateException on an architecture other than x86_64 and arm64
     */
    static SyscallTable forRunningArchitecture() {
        return forArchitecture(System.getProperty("os.arch"));
    }

    /** Returns the table of an {@code os.arch} value: amd64, x86_64 or aarch64. */
    static SyscallTable forArchitecture(String osArch) {
        return switch (osArch) {
            case "amd64", "x86_64" -> new SyscallTable("x86_64",
                    load("syscalls-x86_64.txt"), load("syscalls-i386.txt"));
            // NOTE: no arm32 table yet, so 32-bit tasks on arm64 get compat_syscall_<nr> names.
            case "aarch64", "arm64" -> new SyscallTable("arm64",
                    load("syscalls-arm64.txt"), Map.of());
            default -> throw new IllegalStateException("the syscall probe supports x86_64 and"
                    + " arm64, not " + osArch);
        };
    }

    /** Returns the architecture name, x86_64 or arm64. */
    String architecture() {
        return architecture;
    }

    /**
     * Returns the name of a syscall number: {@code syscall_<nr>} for unknown native numbers and
     * {@code compat_syscall_<nr>} for unknown compat numbers.
     */
    String name(Abi abi, int number) {
        String name = (abi == Abi.NATIVE ? nativeNames : compatNames).get(number);
        if (name != null) {
            return name;
        }
        String prefix = abi == Abi.NATIVE ? "syscall_" : "compat_syscall_";
        return prefix + Integer.toUnsignedString(number);
    }

    /** Returns the number of a syscall name in an ABI, if that ABI has it. */
    Optional<Integer> number(Abi abi, String name) {
        return Optional.ofNullable((abi == Abi.NATIVE ? nativeNumbers : compatNumbers).get(name));
    }

    /** Returns the native names by number, in number order. */
    Map<Integer, String> nativeNames() {
        return nativeNames;
    }

    /** Returns the compat names by number; empty where no compat table exists. */
    Map<Integer, String> compatNames() {
        return compatNames;
    }

    /** Reads a table resource of "number name" lines; '#' starts a comment line. */
    static Map<Integer, String> load(String resource) {
        return readTable("/tables/" + resource);
    }

    static Map<Integer, String> readTable(String path) {
        Map<Integer, String> names = new TreeMap<>();
        try (InputStream in = SyscallTable.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException(path + " is missing from the bundle");
            }
            BufferedReader reader = new BufferedReader(
                    new InputStreamReader(in, StandardCharsets.UTF_8));
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] fields = line.trim().split("\\s+");
                names.put(Integer.parseInt(fields[0]), fields[1]);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("failed to read " + path, e);
        }
        return names;
    }

    private static Map<String, Integer> invert(Map<Integer, String> names) {
        Map<String, Integer> numbers = new HashMap<>();
        names.forEach((number, name) -> numbers.put(name, number));
        return Collections.unmodifiableMap(numbers);
    }
}
