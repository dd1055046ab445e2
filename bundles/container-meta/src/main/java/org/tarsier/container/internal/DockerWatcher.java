package org.tarsier.container.internal;

import java.io.EOFException;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.IntConsumer;

import com.google.gson.JsonParseException;
import org.osgi.service.log.Logger;
import org.tarsier.api.log.RateLimiter;

/**
 * Keeps the {@link ContainerCatalog} in step with Docker: lists the running containers on each
 * connection, then follows the container event stream, so that a container is cataloged from its
 * {@code create} event, before its first process runs.
 *
 * <p>When the socket is missing or the stream breaks it logs one WARN per outage (and a reminder
 * at most every ten minutes), retries with exponential backoff, and logs INFO when it reconnects.
 */
final class DockerWatcher {

    private static final long INITIAL_BACKOFF_MILLIS = 500;
    private static final long REMINDER_INTERVAL_MILLIS = 10 * 60 * 1000;
    private static final long STOP_WAIT_MILLIS = 5_000;

    private final DockerClient client;
    private final ContainerCatalog catalog;
    private final IntConsumer pidListener;
    private final Executor workers;
    private final Logger logger;
    private final long maxBackoffMillis;
    private final RateLimiter rateLimiter = new RateLimiter(REMINDER_INTERVAL_MILLIS);

    private volatile boolean stopped;
    private volatile boolean connected;
    private volatile UnixHttpClient.LineStream current;
    private Thread thread;

    /**
     * @param pidListener receives the host pid of each started container, to index its cgroup
     */
    DockerWatcher(DockerClient client, ContainerCatalog catalog, IntConsumer pidListener,
            Executor workers, Logger logger, long maxBackoffMillis) {
        this.client = client;
        this.catalog = catalog;
        this.pidListener = pidListener;
        this.workers = workers;
        this.logger = logger;
        this.maxBackoffMillis = maxBackoffMillis;
    }

    void start() {
        thread = new Thread(this::run, "tarsier-docker-events");
        thread.setDaemon(true);
        thread.start();
    }

    /** Ends the event stream and waits for the thread to finish. */
    void stop() {
        stopped = true;
        UnixHttpClient.LineStream stream = current;
        if (stream != null) {
            stream.close();
        }
        if (thread != null) {
            thread.interrupt();
            try {
                thread.join(STOP_WAIT_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Returns whether the event stream is open, so that inspects are worth trying. */
    boolean connected() {
        return connected;
    }

    DockerClient client() {
        return client;
    }

    private void run() {
        long backoff = INITIAL_BACKOFF_MILLIS;
        boolean failing = false;
        while (!stopped) {
            Exception failure;
            try {
                follow(failing);
                failure = new EOFException("Docker closed the event stream");
            } catch (IOException | RuntimeException e) {
                failure = e;
            }
            if (connected) {
                connected = false;
                failing = false;
                backoff = INITIAL_BACKOFF_MILLIS;
            }
            if (stopped) {
                break;
            }
            reportFailure(failure, failing, backoff);
            failing = true;
            if (!pause(backoff)) {
                break;
            }
            backoff = Math.min(backoff * 2, maxBackoffMillis);
        }
    }

    /**
     * Opens the event stream, then lists the running containers and applies events until the
     * stream ends. The stream opens first so that no event between the list and it is lost.
     *
     * @param failing whether the previous attempt failed, which makes this one a reconnection
     */
    private void follow(boolean failing) throws IOException {
        try (UnixHttpClient.LineStream events = client.containerEvents()) {
            current = events;
            if (stopped) {
                return;
            }
            String apiVersion = client.apiVersion();
            List<DockerContainer> running = client.runningContainers();
            catalog.replaceRunning(running);
            connected = true;
            logConnected(failing, apiVersion, running.size());
            for (DockerContainer container : running) {
                inspectLater(container.id());
            }
            String line;
            while ((line = events.readLine()) != null) {
                apply(line);
            }
        } finally {
            current = null;
        }
    }

    private void logConnected(boolean failing, String apiVersion, int runningCount) {
        if (failing) {
            logger.info("reconnected to the Docker Engine API at {} (API {}); running"
                    + " containers listed again: {}", client.socket(), apiVersion, runningCount);
        } else {
            logger.info("connected to the Docker Engine API at {} (API {}); running containers:"
                    + " {}", client.socket(), apiVersion, runningCount);
        }
    }

    private void reportFailure(Exception failure, boolean failing, long backoff) {
        if (!failing) {
            rateLimiter.permit("unavailable");
            logger.warn("Docker Engine API at {} is unavailable: {}. Containers resolve to"
                    + " runtime and id only until it returns; retrying with backoff up to {} s",
                    client.socket(), failure.toString(), maxBackoffMillis / 1000);
        } else if (rateLimiter.permit("unavailable")) {
            logger.warn("Docker Engine API at {} is still unavailable after {} failed attempts"
                    + " in the last {} minutes: {}", client.socket(),
                    rateLimiter.suppressed("unavailable") + 1, REMINDER_INTERVAL_MILLIS / 60_000,
                    failure.toString());
        } else {
            logger.debug("Docker Engine API at {} unavailable, next attempt in {} ms: {}",
                    client.socket(), backoff, failure.toString());
        }
    }

    private void apply(String line) {
        DockerEvent event;
        try {
            event = DockerJson.event(line);
        } catch (JsonParseException e) {
            if (rateLimiter.permit("invalid-event")) {
                logger.warn("invalid Docker event from {} ignored ({} more since the last one):"
                        + " {}", client.socket(), rateLimiter.suppressed("invalid-event"), line);
            }
            return;
        }
        logger.debug("Docker event {} {}", event.action(), event.id());
        switch (event.action()) {
            case "create" -> {
                catalog.putIfAbsent(DockerJson.fromEvent(event, false));
                inspectLater(event.id());
            }
            case "start" -> {
                if (catalog.get(event.id()) == null) {
                    catalog.put(DockerJson.fromEvent(event, true));
                } else {
                    catalog.setRunning(event.id(), true);
                }
                inspectLater(event.id());
            }
            case "die" -> catalog.setRunning(event.id(), false);
            case "destroy" -> catalog.remove(event.id());
            case "rename" ->
                    catalog.rename(event.id(), event.attributes().getOrDefault("name", ""));
            default -> {
                // The event filter requests only the actions above.
            }
        }
    }

    /** Inspects a container on a worker for its exact labels, start time and pid. */
    private void inspectLater(String id) {
        try {
            workers.execute(() -> inspect(id));
        } catch (RejectedExecutionException e) {
            logger.debug("inspect of container {} not started: {}", id, e.toString());
        }
    }

    private void inspect(String id) {
        Optional<DockerContainer> container;
        try {
            container = client.inspect(id);
        } catch (IOException e) {
            if (rateLimiter.permit("inspect")) {
                logger.warn("inspect of container {} on {} failed ({} more since the last one):"
                        + " {}", id, client.socket(), rateLimiter.suppressed("inspect"),
                        e.toString());
            }
            return;
        }
        container.ifPresent(found -> {
            catalog.merge(found);
            if (found.running() && found.pid() > 0) {
                pidListener.accept(found.pid());
            }
        });
    }

    private boolean pause(long millis) {
        try {
            Thread.sleep(millis);
            return true;
        } catch (InterruptedException e) {
            return false;
        }
    }
}
