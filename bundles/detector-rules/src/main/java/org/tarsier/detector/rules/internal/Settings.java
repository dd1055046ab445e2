package org.tarsier.detector.rules.internal;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Validated configuration of the rules detector. Each invalid property keeps its previous value
 * and adds an error message naming the PID, the property, the value and what is expected.
 */
record Settings(Path rulesDir, boolean defaultRules, double alertRate, int alertBurst,
        long reloadDebounceMillis, int processTableSize, long reorderDelayMillis) {

    static final String PID = "org.tarsier.detector.rules";

    static final Settings DEFAULTS = new Settings(Path.of(RulesDetector.DEFAULT_RULES_DIR), true,
            RulesDetector.DEFAULT_ALERT_RATE, RulesDetector.DEFAULT_ALERT_BURST,
            RulesDetector.DEFAULT_DEBOUNCE_MS, RulesDetector.DEFAULT_PROCESS_TABLE_SIZE,
            RulesDetector.DEFAULT_REORDER_DELAY_MS);

    /** Longest reorder delay accepted, in milliseconds: alerts wait at least this long. */
    static final long MAX_REORDER_DELAY_MS = 1_000;

    /** Returns the settings of {@code config}, falling back to {@code previous} per property. */
    static Settings of(RulesDetector.Config config, Settings previous, List<String> errors) {
        Path dir = previous.rulesDir;
        if (config.rules_dir() == null || config.rules_dir().isBlank()) {
            errors.add(error("rules.dir", config.rules_dir(), "a folder path"));
        } else {
            dir = Path.of(config.rules_dir());
        }
        double rate = previous.alertRate;
        if (config.alert_rate() > 0 && Double.isFinite(config.alert_rate())) {
            rate = config.alert_rate();
        } else {
            errors.add(error("alert.rate", config.alert_rate(), "alerts per second above 0"));
        }
        int burst = previous.alertBurst;
        if (config.alert_burst() >= 1) {
            burst = config.alert_burst();
        } else {
            errors.add(error("alert.burst", config.alert_burst(), "a whole number of at least 1"));
        }
        long debounce = previous.reloadDebounceMillis;
        if (config.reload_debounce_ms() >= 0) {
            debounce = config.reload_debounce_ms();
        } else {
            errors.add(error("reload.debounce.ms", config.reload_debounce_ms(),
                    "milliseconds, 0 or more"));
        }
        int table = previous.processTableSize;
        if (config.process_table_size() >= 64) {
            table = config.process_table_size();
        } else {
            errors.add(error("process.table.size", config.process_table_size(),
                    "a whole number of at least 64"));
        }
        long reorder = previous.reorderDelayMillis;
        if (config.reorder_delay_ms() >= 0 && config.reorder_delay_ms() <= MAX_REORDER_DELAY_MS) {
            reorder = config.reorder_delay_ms();
        } else {
            errors.add(error("reorder.delay.ms", config.reorder_delay_ms(),
                    "milliseconds from 0 to " + MAX_REORDER_DELAY_MS));
        }
        return new Settings(dir, config.default_rules(), rate, burst, debounce, table, reorder);
    }

    private static String error(String property, Object value, String expected) {
        return "invalid configuration " + PID + ": " + property + "=" + value + ", expected "
                + expected + "; keeping the previous value";
    }

    static List<String> newErrors() {
        return new ArrayList<>();
    }
}
