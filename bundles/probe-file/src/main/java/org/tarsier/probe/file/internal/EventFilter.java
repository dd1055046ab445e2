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
        if (settings.writeOpensOnly() && !event.writeIntent() && !sensitiveRead(settings,
                decoded)) {
            return false;
        }
        if (!settings.filtersPaths()) {
            return true;
        }
        if (pathSelected(settings, event.path(), decoded.pathUndecided())) {
            return true;
        }
        if (decoded.pathResolved()) {
            return pathSelected(settings, event.requestedPath(), decoded.targetUndecided());
        }
        return hasTarget(event)
                && pathSelected(settings, event.targetPath(), decoded.targetUndecided());
    }

    /**
     * Returns whether a read-only open passes {@code opens=write}, as in the kernel: the opened
     * file's path or the path as given matches the sensitive-read list. A path that the kernel
     * could not place passes, unless the kernel resolved the opened file's path.
     */
    private static boolean sensitiveRead(Settings settings, RecordDecoder.Decoded decoded) {
        FileEvent event = decoded.event();
        if (settings.sensitiveRead(event.path())
                || settings.sensitiveRead(event.requestedPath())) {
            return true;
        }
        return decoded.pathUndecided();
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
