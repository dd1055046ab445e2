package org.tarsier.detector.rules.internal.load;

/** The text of one rules file and the name errors use for it. */
public record RuleSource(String name, String text) {
}
