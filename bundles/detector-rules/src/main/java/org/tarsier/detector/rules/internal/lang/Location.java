package org.tarsier.detector.rules.internal.lang;

/**
 * A position in a rules file, 1-based as editors show it.
 *
 * @param file file name or resource name
 * @param line line number, from 1
 * @param column column number, from 1
 */
public record Location(String file, int line, int column) {

    @Override
    public String toString() {
        return file + ":" + line + ":" + column;
    }
}
