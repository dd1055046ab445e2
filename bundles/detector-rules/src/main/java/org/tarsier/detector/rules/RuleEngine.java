package org.tarsier.detector.rules;

import java.nio.file.Path;
import java.util.List;
import org.osgi.annotation.versioning.ProviderType;

/** The running rules detector: lists, toggles, checks and reloads its rules. */
@ProviderType
public interface RuleEngine {

    /** Returns every loaded rule, in load order. */
    List<RuleInfo> rules();

    /**
     * Enables or disables a loaded rule until the next reload.
     *
     * @return false when no loaded rule has that name
     */
    boolean setEnabled(String rule, boolean enabled);

    /**
     * Loads the default ruleset and the rules folder again; on any error the previous rules stay
     * active and the error is returned and kept as {@link RulesStatus#lastError()}.
     */
    RulesStatus reload();

    /**
     * Validates a rules file on top of the active rule files without activating it.
     *
     * @return the problems found with file, line and column; empty when the file is valid
     */
    List<String> check(Path file);

    /** Returns reload and alert counters. */
    RulesStatus status();
}
