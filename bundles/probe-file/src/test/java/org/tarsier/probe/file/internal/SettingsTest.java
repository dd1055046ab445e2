package org.tarsier.probe.file.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;

class SettingsTest {

    private static final String[] NONE = {};

    @Test
    void defaultsAreValid() {
        assertEquals(List.of(), Settings.problems("containers", "write", NONE, NONE, 100));
    }

    @Test
    void problemsNameEachBadValue() {
        List<String> problems = Settings.problems("pods", "reads", new String[] {"etc"},
                new String[] {"/tmp/../etc", "/a//b"}, 5);

        assertEquals(List.of(
                "scope=pods is invalid: expected containers or all",
                "opens=reads is invalid: expected write or all",
                "include.prefixes entry \"etc\" is invalid: expected an absolute path such as"
                        + " /etc",
                "exclude.prefixes entry \"/tmp/../etc\" is invalid: expected a normalised path"
                        + " without //, . or .. components, such as /etc",
                "exclude.prefixes entry \"/a//b\" is invalid: expected a normalised path"
                        + " without //, . or .. components, such as /a/b",
                "poll.timeout.ms=5 is invalid: expected an integer from 10 to 10000"),
                problems);
    }

    @Test
    void prefixListsAreBounded() {
        String[] seventeen = new String[17];
        for (int i = 0; i < seventeen.length; i++) {
            seventeen[i] = "/p" + i;
        }
        String tooLong = "/" + "x".repeat(255);

        assertEquals(List.of("include.prefixes has 17 entries, which is invalid: expected at"
                + " most 16"), Settings.problems("all", "all", seventeen, NONE, 100));
        assertEquals(List.of("exclude.prefixes entry \"" + tooLong + "\" is invalid: it has 256"
                + " bytes, expected at most 255"),
                Settings.problems("all", "all", NONE, new String[] {tooLong}, 100));
    }

    @Test
    void trailingSlashPrefixIsValid() {
        assertEquals(List.of(), Settings.problems("all", "all", new String[] {"/etc/", "/"},
                NONE, 100));
    }

    @Test
    void blankPrefixEntriesAreIgnored() {
        String[] blank = {""};

        assertEquals(List.of(), Settings.problems("all", "all", blank, blank, 100));
        assertEquals(List.of(), Settings.of(true, "all", "all", blank, blank, 100)
                .includePrefixes());
    }

    @Test
    void ofMapsChoices() {
        Settings settings = Settings.of(false, "all", "all", new String[] {"/etc"}, NONE, 50);

        assertEquals(new Settings(false, false, false, List.of("/etc"), List.of(), 50),
                settings);
    }
}
