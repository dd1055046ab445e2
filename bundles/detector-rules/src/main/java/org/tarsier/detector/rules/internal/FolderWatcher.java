package org.tarsier.detector.rules.internal;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.concurrent.TimeUnit;

/**
 * Watches a folder and runs a callback once changes have been quiet for the debounce time, so
 * an editor's save (write, rename, delete of a backup) causes one reload.
 */
final class FolderWatcher implements AutoCloseable {

    private final WatchService service;
    private final Thread thread;
    private final long debounceMillis;
    private final Runnable onChange;

    /**
     * Starts watching {@code folder}, which must exist.
     *
     * @throws IOException when the folder cannot be watched
     */
    FolderWatcher(Path folder, long debounceMillis, Runnable onChange) throws IOException {
        this.debounceMillis = debounceMillis;
        this.onChange = onChange;
        this.service = FileSystems.getDefault().newWatchService();
        folder.register(service, StandardWatchEventKinds.ENTRY_CREATE,
                StandardWatchEventKinds.ENTRY_MODIFY, StandardWatchEventKinds.ENTRY_DELETE);
        this.thread = Thread.ofPlatform().daemon().name("tarsier-rules-watch").start(this::run);
    }

    /** Returns whether {@code folder} exists and can be watched. */
    static boolean canWatch(Path folder) {
        return Files.isDirectory(folder);
    }

    private void run() {
        try {
            while (!Thread.currentThread().isInterrupted()) {
                WatchKey key = service.take();
                drain(key);
                WatchKey next;
                while ((next = service.poll(debounceMillis, TimeUnit.MILLISECONDS)) != null) {
                    drain(next);
                }
                onChange.run();
            }
        } catch (InterruptedException | ClosedWatchServiceException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void drain(WatchKey key) {
        key.pollEvents();
        key.reset();
    }

    @Override
    public void close() {
        thread.interrupt();
        try {
            service.close();
            thread.join(2000);
        } catch (IOException e) {
            // Closing only releases the inotify descriptor; nothing is left to do on failure.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
