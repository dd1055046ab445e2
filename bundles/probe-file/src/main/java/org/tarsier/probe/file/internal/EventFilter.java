package org.tarsier.probe.file.internal;

import org.tarsier.api.event.FileEvent;
import org.tarsier.api.event.FileOperation;

/**
 * The user-space half of the filters. The kernel drops what it can decide before building a
 * record; this filter decides the rest on normalised paths: paths that contained {@code //},
 * {@code .} or {@code ..} components, and records sent under settings that changed since.
 */
final class EventFilter {

    private EventFilter() {
    }

    /** Returns whether a decoded record passes the settings and should be posted. */
    static boolean accepts(Settings settings, RecordDecoder.Decoded decoded) {
        FileEvent event = decoded.event();
        if (settings.containersOnly() && !decoded.inContainer()) {
            return false;
        }
        if (settings.writeOpensOnly() && !event.writeIntent()) {
            return false;
        }
        if (!settings.filtersPaths()) {
            return true;
        }
        if (pathSelected(settings, event.path(), decoded.pathUndecided())) {
            return true;
        }
        return hasTarget(event)
                && pathSelected(settings, event.targetPath(), decoded.targetUndecided());
    }

    private static boolean hasTarget(FileEvent event) {
        return event.operation() == FileOperation.RENAME || event.operation() == FileOperation.LINK
                || event.operation() == FileOperation.SYMLINK;
    }

    private static boolean pathSelected(Settings settings, String path, boolean undecided) {
        return undecided || PathNames.selected(path, settings.includePrefixes(),
                settings.excludePrefixes());
    }
}
