package org.tarsier.features.internal;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Executables each image's containers have run since the extractor started, so that a new
 * container of a known image does not report its usual programs as new. The least recently
 * used image is forgotten when more than the maximum number of images are kept.
 */
final class ExecutableHistory {

    private final int maxExecutables;
    private final Map<String, BoundedSet<String>> byImage;
    private long overflow;

    ExecutableHistory(int maxImages, int maxExecutables) {
        this.maxExecutables = maxExecutables;
        this.byImage = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, BoundedSet<String>> eldest) {
                return size() > maxImages;
            }
        };
    }

    /** Records an exec and returns whether the image's containers never ran that file before. */
    boolean firstRun(String imageKey, String filename) {
        BoundedSet<String> seen = byImage.computeIfAbsent(imageKey,
                key -> new BoundedSet<>(maxExecutables));
        long before = seen.overflow();
        boolean added = seen.add(filename);
        overflow += seen.overflow() - before;
        return added;
    }

    /** Returns how many executables were not remembered because an image's set was full. */
    long overflow() {
        return overflow;
    }
}
