package org.tarsier.probe.tcp.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

class SettingsTest {

    @Test
    void defaultsAreValid() {
        Settings defaults = Settings.DEFAULTS;

        assertEquals(List.of(), Settings.problems(defaults.ownerMapEntries(),
                defaults.pollTimeoutMillis()));
        assertFalse(defaults.host(), "host");
        assertFalse(defaults.states(), "states");
        assertTrue(defaults.autoload(), "autoload");
    }

    @Test
    void ownerMapEntriesOutOfRangeIsNamed() {
        assertEquals(List.of("owner.map.entries=1023 is invalid: expected an integer from 1024"
                + " to 1048576"), Settings.problems(1023, 100));
        assertEquals(List.of("owner.map.entries=1048577 is invalid: expected an integer from"
                + " 1024 to 1048576"), Settings.problems(1_048_577, 100));
    }

    @Test
    void pollTimeoutOutOfRangeIsNamed() {
        assertEquals(List.of("poll.timeout.ms=9 is invalid: expected an integer from 10 to"
                + " 10000"), Settings.problems(65_536, 9));
    }

    @Test
    void bothProblemsAreListed() {
        assertEquals(2, Settings.problems(0, 0).size());
    }

    @Test
    void onlyOwnerMapSizeNeedsReload() {
        Settings filters = new Settings(false, true, true, 65_536, 500);
        Settings bigger = new Settings(true, false, false, 131_072, 100);

        assertFalse(Settings.DEFAULTS.needsReload(filters), "filters and poll timeout");
        assertTrue(Settings.DEFAULTS.needsReload(bigger), "owner map size");
    }
}
