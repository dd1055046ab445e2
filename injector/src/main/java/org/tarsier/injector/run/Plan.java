package org.tarsier.injector.run;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import org.tarsier.injector.scenario.Caps;
import org.tarsier.injector.scenario.Scenario;
import org.tarsier.injector.scenario.Target;

/**
 * The injections of a run, in start order, after every scenario was clamped to the caps.
 *
 * @param caps the caps applied
 * @param injections every repetition of every scenario, sorted by offset
 * @param warnings one line per clamped value
 */
public record Plan(Caps caps, List<Injection> injections, List<String> warnings) {

    /** Clamps {@code scenarios} to {@code caps} and expands their repetitions. */
    public static Plan of(List<Scenario> scenarios, Caps caps) {
        List<Injection> injections = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        for (Scenario requested : scenarios) {
            Caps.Clamped clamped = caps.clamp(requested);
            warnings.addAll(clamped.warnings());
            Scenario scenario = clamped.scenario();
            for (int r = 0; r < scenario.repetitions(); r++) {
                Duration offset = scenario.start().plus(scenario.interval().multipliedBy(r));
                if (offset.compareTo(caps.maxStart()) > 0) {
                    warnings.add("scenario " + scenario.id() + ": repetition " + (r + 1)
                            + " would start after the " + caps.maxStart().toSeconds()
                            + " s cap and is dropped, with the ones after it");
                    break;
                }
                injections.add(new Injection(scenario, r + 1, offset));
            }
        }
        injections.sort(Comparator.comparing(Injection::offset));
        return new Plan(caps, List.copyOf(injections), List.copyOf(warnings));
    }

    /** Returns the offset at which the last injection ends. */
    public Duration length() {
        return injections.stream().map(Injection::endOffset).max(Comparator.naturalOrder())
                .orElse(Duration.ZERO);
    }

    /** Prints the plan as a table, for the dry run. */
    public void print(PrintStream out) {
        out.printf("Plan: %d injections, about %d s; at most %d containers at a time%n",
                injections.size(), length().toSeconds(), caps.maxContainers());
        out.printf("Caps per container: %.2f CPUs, %d MiB memory, %d pids, network none;"
                + " duration <= %d s%n", caps.maxLimits().cpus(), caps.maxLimits().memoryMib(),
                caps.maxLimits().pids(), caps.maxDuration().toSeconds());
        for (String warning : warnings) {
            out.println("warning: " + warning);
        }
        out.println();
        out.println("| start s | scenario | rep | kind | intensity | duration s | target"
                + " | limits | expected |");
        out.println("| ---: | --- | ---: | --- | --- | ---: | --- | --- | --- |");
        for (Injection injection : injections) {
            Scenario s = injection.scenario();
            String limits = s.target().type() == Target.Type.NEW
                    ? String.format("%.2f CPU, %d MiB, %d pids", s.limits().cpus(),
                            s.limits().memoryMib(), s.limits().pids())
                    : "the container's own";
            out.printf("| %d | %s | %d | %s | %d %s | %d | %s | %s | %s |%n",
                    injection.offset().toSeconds(), s.id(), injection.repetition(),
                    s.kind().id(), s.intensity(), s.kind().unit(), s.duration().toSeconds(),
                    s.target(), limits,
                    s.kind().expected().isEmpty() ? "none (normal workload)"
                            : String.join(", ", s.kind().expected()));
        }
    }
}
