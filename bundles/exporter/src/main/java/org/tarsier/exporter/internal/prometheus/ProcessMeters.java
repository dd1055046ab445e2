package org.tarsier.exporter.internal.prometheus;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.nio.file.Files;
import java.nio.file.Path;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The agent's resident memory and CPU time under the names Prometheus client libraries use,
 * {@code process_resident_memory_bytes} and {@code process_cpu_seconds_total}, which Micrometer's
 * binders do not provide.
 */
final class ProcessMeters {

    static final String RESIDENT_MEMORY = "process.resident.memory.bytes";
    static final String CPU_SECONDS = "process.cpu.seconds";

    private static final Path STATUS = Path.of("/proc/self/status");

    private ProcessMeters() {
    }

    /** Registers both meters with {@code registry}. */
    static void bindTo(MeterRegistry registry) {
        Gauge.builder(RESIDENT_MEMORY, ProcessMeters::residentBytes)
                .description("Resident set size of the agent process, from VmRSS in"
                        + " /proc/self/status")
                .register(registry);
        try {
            bindCpu(registry);
        } catch (NoClassDefFoundError e) {
            // The framework does not export com.sun.management: no CPU time counter.
        }
    }

    private static void bindCpu(MeterRegistry registry) {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean hotspot) {
            FunctionCounter.builder(CPU_SECONDS, hotspot,
                            bean -> bean.getProcessCpuTime() / 1e9)
                    .description("User and system CPU time the agent process used")
                    .register(registry);
        }
    }

    /** Returns VmRSS in bytes, or NaN where /proc is not readable. */
    static double residentBytes() {
        try {
            for (String line : Files.readAllLines(STATUS)) {
                if (line.startsWith("VmRSS:")) {
                    String kilobytes = line.substring(6).trim().split("\\s+")[0];
                    return Long.parseLong(kilobytes) * 1024.0;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return Double.NaN;
        }
        return Double.NaN;
    }
}
