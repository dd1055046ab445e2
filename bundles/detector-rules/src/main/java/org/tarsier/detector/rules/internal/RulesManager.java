package org.tarsier.detector.rules.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.tarsier.api.detector.DetectorStatus;
import org.tarsier.detector.rules.RulesStatus;
import org.tarsier.detector.rules.internal.eval.Engine;
import org.tarsier.detector.rules.internal.eval.RuleSet;
import org.tarsier.detector.rules.internal.lang.RuleException;
import org.tarsier.detector.rules.internal.load.RuleSource;
import org.tarsier.detector.rules.internal.load.RulesLoader;

/**
 * Loads the default ruleset and the rules folder into an {@link Engine}, keeping the previous
 * rules when a load fails. Thread-safe.
 */
public final class RulesManager {

    /** Class-path resource of the default ruleset shipped in the bundle. */
    public static final String DEFAULT_RULES = "/rules/tarsier_rules.yaml";

    private final Engine engine;
    private final boolean defaultRules;
    private final Path folder;
    private long reloadCount;
    private long failedReloads;
    private String lastError = "";
    private boolean lastReloadFailed;
    private Instant lastReload;

    /**
     * Creates a manager that loads into {@code engine}.
     *
     * @param defaultRules whether the bundle's default ruleset is loaded first
     * @param folder folder whose {@code .yaml} and {@code .yml} files are loaded in name order;
     *     a missing folder counts as empty
     */
    public RulesManager(Engine engine, boolean defaultRules, Path folder) {
        this.engine = engine;
        this.defaultRules = defaultRules;
        this.folder = folder;
    }

    /** Returns the rules folder. */
    public Path folder() {
        return folder;
    }

    /**
     * Loads all files and activates them if every file is valid.
     *
     * @return the status; on failure {@code lastError} names the file, line and column
     */
    public synchronized RulesStatus reload() {
        try {
            RuleSet rules = RuleSet.compile(RulesLoader.load(sources(null)));
            engine.install(rules);
            reloadCount++;
            lastReloadFailed = false;
            lastReload = Instant.now();
        } catch (RuleException e) {
            fail(e.getMessage());
        } catch (IOException | UncheckedIOException e) {
            fail("failed to read rules: " + e.getMessage());
        }
        return status();
    }

    private void fail(String message) {
        failedReloads++;
        lastReloadFailed = true;
        lastError = message;
    }

    /** Returns the problems of the active files with {@code file} added or replaced. */
    public List<String> check(Path file) {
        try {
            RuleSet.compile(RulesLoader.load(sources(file)));
            return List.of();
        } catch (RuleException e) {
            return List.of(e.getMessage());
        } catch (IOException | UncheckedIOException e) {
            return List.of("failed to read " + file + ": " + e.getMessage());
        }
    }

    /** Returns the counters and, from the active rule set, the loaded and skipped rules. */
    public synchronized RulesStatus status() {
        RuleSet rules = engine.ruleSet();
        int loaded = rules == null ? 0 : rules.infos().size();
        List<String> skipped = rules == null ? List.of() : rules.skipped();
        return new RulesStatus(reloadCount, failedReloads, lastError, loaded, skipped,
                engine.alerts(), engine.suppressed());
    }

    /**
     * Returns the reload counters as the {@link DetectorStatus} contract defines them: the last
     * error is empty when the last reload succeeded.
     *
     * @param gauges the detector's other values, by snake_case name
     */
    public synchronized DetectorStatus detectorStatus(Map<String, Double> gauges) {
        return new DetectorStatus(engine.suppressed(), reloadCount, failedReloads,
                lastReloadFailed ? lastError : "", lastReload, gauges);
    }

    private List<RuleSource> sources(Path extra) throws IOException {
        List<RuleSource> sources = new ArrayList<>();
        if (defaultRules) {
            sources.add(defaultSource());
        }
        Path extraFile = extra == null ? null : extra.toAbsolutePath().normalize();
        for (Path file : folderFiles()) {
            if (!file.toAbsolutePath().normalize().equals(extraFile)) {
                sources.add(read(file));
            }
        }
        if (extraFile != null) {
            sources.add(read(extraFile));
        }
        return sources;
    }

    private List<Path> folderFiles() throws IOException {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(RulesManager::isRulesFile).sorted().toList();
        }
    }

    /** Returns whether {@code file} is a rules file by its name. */
    static boolean isRulesFile(Path file) {
        String name = file.getFileName().toString();
        return !name.startsWith(".") && (name.endsWith(".yaml") || name.endsWith(".yml"));
    }

    private static RuleSource read(Path file) throws IOException {
        return new RuleSource(file.toString(), Files.readString(file, StandardCharsets.UTF_8));
    }

    /** Returns the default ruleset shipped in the bundle. */
    public static RuleSource defaultSource() throws IOException {
        try (InputStream in = RulesManager.class.getResourceAsStream(DEFAULT_RULES)) {
            if (in == null) {
                throw new IOException("resource " + DEFAULT_RULES + " not found in the bundle");
            }
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return new RuleSource("tarsier_rules.yaml", text);
        }
    }
}
