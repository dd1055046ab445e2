package org.tarsier.detector.stats.internal;

import java.util.List;

/**
 * Baselines that a new container of an image starts from.
 *
 * @param names feature names in vector order
 * @param baselines one baseline per feature, not shared with any container
 * @param learnedWindows windows the baselines learnt from
 */
record ImageBaseline(List<String> names, RobustBaseline[] baselines, long learnedWindows) {
}
