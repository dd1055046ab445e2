package org.tarsier.probe.file.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

class SettingsTest {

    private static final String[] NONE = {};

    @Test
    void defaultsAreValid() {
        String[] sensitive = Settings.DEFAULT_SENSITIVE_READ_PREFIXES.toArray(String[]::new);

        assertEquals(List.of(), Settings.problems("containers", "write", NONE, NONE, sensitive,
                100));
    }

    @Test
    void componentDefaultsEqualSettingsDefaults() throws Exception {
        Object defaults = FileProbe.Config.class.getDeclaredMethod("sensitive_read_prefixes")
                .getDefaultValue();

        assertEquals(Settings.DEFAULT_SENSITIVE_READ_PREFIXES,
                Arrays.asList((String[]) defaults));
    }

    @Test
    void cfgListSplitAtCommas() {
        // a .cfg file gives a list as one string
        String[] sensitive = {"/etc/shadow, /*/secret,/srv/data"};
        String[] excludes = {"/srv,/opt", " "};

        assertEquals(List.of(), Settings.problems("containers", "write", NONE, excludes,
                sensitive, 25));
        Settings settings = Settings.of(true, "containers", "write", NONE, excludes, sensitive,
                25);
        assertEquals(List.of("/etc/shadow", "/*/secret", "/srv/data"),
                settings.sensitiveReadPrefixes());
        assertEquals(List.of("/srv", "/opt"), settings.excludePrefixes());
    }

    @Test
    void sensitivePatternProblemsNameTheStar() {
        List<String> problems = Settings.problems("all", "write", NONE, NONE, new String[] {
            "/home/*/.ssh", "/a/*/b/*", "/home/a*b", "/home/*/../x", "*/.ssh"}, 100);

        assertEquals(List.of(
                "sensitive.read.prefixes entry \"/a/*/b/*\" is invalid: expected at most one *",
                "sensitive.read.prefixes entry \"/home/a*b\" is invalid: expected * at the end of"
                        + " a component, such as /home/*/.ssh or /etc/ssh/ssh_host_*",
                "sensitive.read.prefixes entry \"/home/*/../x\" is invalid: expected a"
                        + " normalised path without //, . or .. components, such as /home/x",
                "sensitive.read.prefixes entry \"*/.ssh\" is invalid: expected an absolute path"
                        + " such as /etc"),
                problems);
    }

    @Test
    void problemsNameEachBadValue() {
        List<String> problems = Settings.problems("pods", "reads", new String[] {"etc"},
                new String[] {"/tmp/../etc", "/a//b"}, NONE, 5);

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
                + " most 16"), Settings.problems("all", "all", seventeen, NONE, NONE, 100));
        assertEquals(List.of("exclude.prefixes entry \"" + tooLong + "\" is invalid: it has 256"
                + " bytes, expected at most 255"),
                Settings.problems("all", "all", NONE, new String[] {tooLong}, NONE, 100));
    }

    @Test
    void trailingSlashPrefixIsValid() {
        assertEquals(List.of(), Settings.problems("all", "all", new String[] {"/etc/", "/"},
                NONE, NONE, 100));
    }

    @Test
    void blankPrefixEntriesAreIgnored() {
        String[] blank = {""};

        assertEquals(List.of(), Settings.problems("all", "all", blank, blank, blank, 100));
        assertEquals(List.of(), Settings.of(true, "all", "all", blank, blank, blank, 100)
                .includePrefixes());
    }

    @Test
    void ofMapsChoices() {
        Settings settings = Settings.of(false, "all", "all", new String[] {"/etc"}, NONE,
                new String[] {"/root/.ssh"}, 50);

        assertEquals(new Settings(false, false, false, List.of("/etc"), List.of(),
                List.of("/root/.ssh"), 50), settings);
    }
}
