package com.example.execfanout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.time.Duration;
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

        Settings settings = Settings.of(config(Map.of("binaries_max", 3, "window_seconds", 30,
                "alert_interval_seconds", 0, "priority", "notice")), Settings.DEFAULTS, errors);

        assertEquals(List.of(), errors);
        assertEquals(3, settings.binariesMax());
        assertEquals(Duration.ofSeconds(30), settings.window());
        assertEquals(Duration.ZERO, settings.alertInterval());
        assertEquals(Priority.NOTICE, settings.priority());
    }

    @Test
    void invalidValuesKeepPrevious() {
        List<String> errors = Settings.newErrors();
        Settings previous = Settings.of(config(Map.of("binaries_max", 3)), Settings.DEFAULTS,
                Settings.newErrors());

        Settings settings = Settings.of(config(Map.of("binaries_max", 0, "window_seconds", -1,
                "priority", "loud")), previous, errors);

        assertEquals(3, settings.binariesMax());
        assertEquals(previous.window(), settings.window());
        assertEquals(Priority.WARNING, settings.priority());
        assertEquals(3, errors.size());
        assertTrue(errors.get(0).contains(Settings.PID), errors.get(0));
        assertTrue(errors.get(0).contains("binaries.max = '0'"), errors.get(0));
        assertTrue(errors.get(2).contains("'loud'"), errors.get(2));
    }

    /** Returns a configuration with the given values and the annotation's defaults otherwise. */
    private static ExecFanoutDetector.Config config(Map<String, Object> values) {
        return (ExecFanoutDetector.Config) Proxy.newProxyInstance(
                SettingsTest.class.getClassLoader(),
                new Class<?>[] {ExecFanoutDetector.Config.class},
                (proxy, method, args) -> values.containsKey(method.getName())
                        ? values.get(method.getName()) : method.getDefaultValue());
    }
}
