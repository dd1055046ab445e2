package org.tarsier.features.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.annotation.Annotation;
import java.util.List;

import org.junit.jupiter.api.Test;

class SettingsTest {

    @Test
    void defaultsAccepted() {
        List<String> errors = Settings.newErrors();

        Settings settings = Settings.of(new TestConfig(5_000, 1_500, 1_024), Settings.DEFAULTS,
                errors);

        assertEquals(List.of(), errors);
        assertEquals(Settings.DEFAULTS, settings);
    }

    @Test
    void invalidValuesKeepPrevious() {
        List<String> errors = Settings.newErrors();

        Settings settings = Settings.of(new TestConfig(50, -1, 0), Settings.DEFAULTS, errors);

        assertEquals(Settings.DEFAULTS, settings);
        assertEquals(3, errors.size());
        assertTrue(errors.get(0).contains("org.tarsier.features: window.ms=50, expected"),
                errors.get(0));
        assertTrue(errors.get(1).contains("lateness.ms=-1"), errors.get(1));
        assertTrue(errors.get(2).contains("max.containers=0"), errors.get(2));
    }

    private record TestConfig(long window, long lateness, int containers)
            implements FeatureExtractor.Config {

        @Override
        public long window_ms() {
            return window;
        }

        @Override
        public long lateness_ms() {
            return lateness;
        }

        @Override
        public boolean host() {
            return false;
        }

        @Override
        public int max_containers() {
            return containers;
        }

        @Override
        public int max_distinct() {
            return FeatureExtractor.DEFAULT_MAX_DISTINCT;
        }

        @Override
        public int max_processes() {
            return FeatureExtractor.DEFAULT_MAX_PROCESSES;
        }

        @Override
        public int idle_windows() {
            return FeatureExtractor.DEFAULT_IDLE_WINDOWS;
        }

        @Override
        public int max_images() {
            return FeatureExtractor.DEFAULT_MAX_IMAGES;
        }

        @Override
        public int max_executables() {
            return FeatureExtractor.DEFAULT_MAX_EXECUTABLES;
        }

        @Override
        public boolean cpu() {
            return true;
        }

        @Override
        public Class<? extends Annotation> annotationType() {
            return FeatureExtractor.Config.class;
        }
    }
}
