package org.tarsier.detector.stats.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.tarsier.api.alert.Priority;

class SettingsTest {

    @Test
    void annotationDefaultsMatchDefaults() {
        List<String> errors = Settings.newErrors();

        Settings settings = Settings.of(config(Map.of()), Settings.DEFAULTS, errors);

        assertEquals(List.of(), errors);
        assertEquals(Settings.DEFAULTS, settings);
    }

    @Test
    void validValuesApplied() {
        List<String> errors = Settings.newErrors();

        Settings settings = Settings.of(config(Map.of("warmup_windows", 5, "direction", "BOTH",
                "priority", "notice", "scale_min_features", new String[] {"forks = 2, exits=3"},
                "features_excluded", new String[] {"tcp_bytes_sent", " "})),
                Settings.DEFAULTS, errors);

        assertEquals(List.of(), errors);
        assertEquals(5, settings.warmupWindows());
        assertTrue(settings.bothDirections());
        assertEquals(Priority.NOTICE, settings.priority());
        assertEquals(2.0, settings.scaleMin("forks"));
        assertEquals(3.0, settings.scaleMin("exits"));
        assertEquals(1.0, settings.scaleMin("execs"));
        assertEquals(java.util.Set.of("tcp_bytes_sent"), settings.excluded());
    }

    @Test
    void invalidValuesKeepPrevious() {
        List<String> errors = Settings.newErrors();

        Settings settings = Settings.of(config(Map.of("history_windows", 2,
                "score_threshold", -1.0, "score_immediate", 3.0, "direction", "down",
                "priority", "loud", "scale_min_features", new String[] {"forks=0"},
                "alert_interval_ms", -5L)), Settings.DEFAULTS, errors);

        assertEquals(Settings.DEFAULTS, settings);
        assertEquals(7, errors.size(), errors.toString());
        assertTrue(errors.get(0).startsWith("invalid configuration org.tarsier.detector.stats:"
                + " history.windows=2, expected a whole number of at least 3"), errors.get(0));
        assertTrue(errors.get(2).contains("score.immediate=3.0"), errors.get(2));
        assertTrue(errors.get(3).contains("scale.min.features='forks=0'"), errors.get(3));
        assertTrue(errors.get(4).contains("direction=down, expected up or both"), errors.get(4));
    }

    /** Returns a configuration with the annotation's defaults except the given values. */
    private static StatsDetector.Config config(Map<String, Object> values) {
        return (StatsDetector.Config) Proxy.newProxyInstance(SettingsTest.class.getClassLoader(),
                new Class<?>[] {StatsDetector.Config.class}, (proxy, method, args) -> {
                    if (values.containsKey(method.getName())) {
                        return values.get(method.getName());
                    }
                    return method.getDefaultValue();
                });
    }
}
