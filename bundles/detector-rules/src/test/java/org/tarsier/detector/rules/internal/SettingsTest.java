package org.tarsier.detector.rules.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SettingsTest {

    /** Returns a configuration with the defaults and {@code values} by method name. */
    private static RulesDetector.Config config(Map<String, Object> values) {
        return (RulesDetector.Config) Proxy.newProxyInstance(
                RulesDetector.Config.class.getClassLoader(),
                new Class<?>[] {RulesDetector.Config.class},
                (proxy, method, args) -> values.containsKey(method.getName())
                        ? values.get(method.getName())
                        : method.getDefaultValue());
    }

    @Test
    void defaultsAreValid() {
        List<String> errors = Settings.newErrors();

        Settings settings = Settings.of(config(Map.of()), Settings.DEFAULTS, errors);

        assertEquals(List.of(), errors);
        assertEquals(Settings.DEFAULTS, settings);
    }

    @Test
    void validValuesAreApplied() {
        List<String> errors = Settings.newErrors();

        Settings settings = Settings.of(config(Map.of("rules_dir", "/srv/rules",
                "alert_rate", 0.5, "alert_burst", 3)), Settings.DEFAULTS, errors);

        assertEquals(Path.of("/srv/rules"), settings.rulesDir());
        assertEquals(0.5, settings.alertRate());
        assertEquals(3, settings.alertBurst());
    }

    @Test
    void invalidValueKeepsPreviousAndNamesProperty() {
        List<String> errors = Settings.newErrors();
        Settings previous = Settings.of(config(Map.of("alert_burst", 4)), Settings.DEFAULTS,
                Settings.newErrors());

        Settings settings = Settings.of(config(Map.of("alert_burst", 0, "alert_rate", -1.0)),
                previous, errors);

        assertEquals(4, settings.alertBurst());
        assertEquals(RulesDetector.DEFAULT_ALERT_RATE, settings.alertRate());
        assertEquals(2, errors.size());
        assertTrue(errors.get(0).contains("org.tarsier.detector.rules: alert.rate=-1.0, expected"
                + " alerts per second above 0"), errors.get(0));
        assertTrue(errors.get(1).contains("alert.burst=0"), errors.get(1));
    }

    @Test
    void reorderDelayOutOfRangeKeepsPrevious() {
        List<String> errors = Settings.newErrors();

        Settings settings = Settings.of(config(Map.of("reorder_delay_ms", 5_000L)),
                Settings.DEFAULTS, errors);

        assertEquals(RulesDetector.DEFAULT_REORDER_DELAY_MS, settings.reorderDelayMillis());
        assertEquals(1, errors.size());
        assertTrue(errors.get(0).contains("reorder.delay.ms=5000, expected milliseconds from 0"
                + " to 1000"), errors.get(0));
    }
}
