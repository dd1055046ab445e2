package org.tarsier.detector.rules.internal.lang;

import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Comparison operators of Falco's condition language. */
public enum Operator {
    EQ("="),
    EQ2("=="),
    NE("!="),
    LT("<"),
    LE("<="),
    GT(">"),
    GE(">="),
    IN("in"),
    INTERSECTS("intersects"),
    PMATCH("pmatch"),
    CONTAINS("contains"),
    ICONTAINS("icontains"),
    BCONTAINS("bcontains"),
    STARTSWITH("startswith"),
    BSTARTSWITH("bstartswith"),
    ENDSWITH("endswith"),
    GLOB("glob"),
    IGLOB("iglob"),
    REGEX("regex"),
    EXISTS("exists");

    private static final Map<String, Operator> BY_WORD = Stream.of(values())
            .collect(Collectors.toUnmodifiableMap(o -> o.word, Function.identity()));

    private final String word;

    Operator(String word) {
        this.word = word;
    }

    /** Returns the operator as written in a condition. */
    public String word() {
        return word;
    }

    /** Returns whether the operator takes a parenthesized list of values. */
    public boolean takesList() {
        return this == IN || this == INTERSECTS || this == PMATCH;
    }

    /** Returns the operator written as {@code word}, or null. */
    public static Operator ofWord(String word) {
        return BY_WORD.get(word);
    }
}
