package org.tarsier.detector.rules;

import java.util.List;

/**
 * Counters of the rules detector.
 *
 * @param reloadCount successful loads since activation, the first load included
 * @param failedReloads loads rejected since activation
 * @param lastError message of the last rejected load, empty when none failed
 * @param loadedRules rules compiled and active
 * @param skippedRules rules not compiled, each with its reason (an unsupported field for example)
 * @param alerts alerts posted since activation
 * @param suppressedAlerts alerts held back by the per-rule and per-container rate limit
 */
public record RulesStatus(
        long reloadCount,
        long failedReloads,
        String lastError,
        int loadedRules,
        List<String> skippedRules,
        long alerts,
        long suppressedAlerts) {

    public RulesStatus {
        lastError = lastError == null ? "" : lastError;
        skippedRules = List.copyOf(skippedRules);
    }
}
