package org.tarsier.detector.rules.internal.load;

import java.time.Duration;
import java.util.List;

/**
 * Tarsier's {@code threshold} extension of a rule: the rule fires once when, within the
 * sliding window, the number of matching events (or of distinct values of {@code distinct})
 * for one group reaches {@code count}.
 *
 * @param count number that fires the rule, at least 1
 * @param window length of the sliding window
 * @param by fields whose values form the group key; empty for one group
 * @param distinct field whose distinct values are counted, or empty to count events
 */
public record ThresholdDef(long count, Duration window, List<String> by, String distinct) {

    public ThresholdDef {
        by = List.copyOf(by);
        distinct = distinct == null ? "" : distinct;
    }
}
