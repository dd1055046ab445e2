package org.tarsier.detector.rules.internal;

import java.nio.file.Path;
import java.util.List;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.tarsier.detector.rules.RuleEngine;
import org.tarsier.detector.rules.RuleInfo;
import org.tarsier.detector.rules.RulesStatus;

/** Gogo commands of the {@code rules} scope; each returns the text the shell prints. */
@Component(service = RulesCommands.class, property = {
    "osgi.command.scope=rules",
    "osgi.command.function=list",
    "osgi.command.function=enable",
    "osgi.command.function=disable",
    "osgi.command.function=check",
    "osgi.command.function=reload",
    "osgi.command.function=status"})
public final class RulesCommands {

    @Reference
    private RuleEngine engine;

    /** Creates commands for the DS runtime. */
    public RulesCommands() {
    }

    RulesCommands(RuleEngine engine) {
        this.engine = engine;
    }

    /** Lists the loaded rules: state, priority, name, tags and file. */
    public String list() {
        StringBuilder text = new StringBuilder();
        for (RuleInfo rule : engine.rules()) {
            text.append(String.format("%-3s %-13s %s%s [%s] %s%n",
                    rule.enabled() ? "on" : "off", rule.priority(), rule.name(),
                    rule.threshold() ? " (threshold)" : "", String.join(",", rule.tags()),
                    rule.source()));
        }
        RulesStatus status = engine.status();
        text.append(status.loadedRules()).append(" rules loaded, ")
                .append(status.skippedRules().size()).append(" skipped");
        return text.toString();
    }

    /** Enables the named rule until the next reload. */
    public String enable(String name) {
        return engine.setEnabled(name, true) ? "enabled " + name : notFound(name);
    }

    /** Disables the named rule until the next reload. */
    public String disable(String name) {
        return engine.setEnabled(name, false) ? "disabled " + name : notFound(name);
    }

    /** Validates a rules file against the active ones without activating it. */
    public String check(String file) {
        List<String> problems = engine.check(Path.of(file));
        return problems.isEmpty() ? file + ": valid" : String.join(System.lineSeparator(), problems);
    }

    /** Loads the rules files again; on error the previous rules stay active. */
    public String reload() {
        long before = engine.status().failedReloads();
        RulesStatus status = engine.reload();
        if (status.failedReloads() > before) {
            return "reload rejected, previous rules stay active: " + status.lastError();
        }
        return "reloaded: " + status.loadedRules() + " rules active, "
                + status.skippedRules().size() + " skipped";
    }

    /** Returns the reload and alert counters and the skipped rules as text. */
    public String status() {
        RulesStatus status = engine.status();
        StringBuilder text = new StringBuilder();
        text.append("reloads: ").append(status.reloadCount())
                .append(", failed: ").append(status.failedReloads()).append(System.lineSeparator())
                .append("last error: ").append(status.lastError().isEmpty() ? "none"
                        : status.lastError()).append(System.lineSeparator())
                .append("rules: ").append(status.loadedRules()).append(" active, ")
                .append(status.skippedRules().size()).append(" skipped")
                .append(System.lineSeparator())
                .append("alerts: ").append(status.alerts()).append(", suppressed: ")
                .append(status.suppressedAlerts());
        for (String skipped : status.skippedRules()) {
            text.append(System.lineSeparator()).append("skipped ").append(skipped);
        }
        return text.toString();
    }

    private static String notFound(String name) {
        return "no loaded rule is named '" + name + "'; see rules:list";
    }
}
