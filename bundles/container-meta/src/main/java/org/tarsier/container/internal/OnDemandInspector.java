package org.tarsier.container.internal;

import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.IntConsumer;

import org.osgi.service.log.Logger;
import org.tarsier.api.log.RateLimiter;

/**
 * Inspects a container that a cgroup path named but the catalog does not hold yet, on a worker
 * thread, and waits for it no longer than the inspect timeout.
 *
 * <p>A request that outlives the wait keeps running under the request timeout and fills the
 * catalog when it completes; concurrent callers for one id share it.
 */
final class OnDemandInspector {

    /** Upper bound on concurrent inspects, so a flood of unknown ids cannot queue up work. */
    private static final int MAX_IN_FLIGHT = 32;

    /** How long an id that Docker does not know is not asked about again. */
    private static final long UNKNOWN_TTL_NANOS = TimeUnit.SECONDS.toNanos(30);

    private final DockerWatcher watcher;
    private final ContainerCatalog catalog;
    private final Executor workers;
    private final IntConsumer pidListener;
    private final long timeoutMillis;
    private final Logger logger;
    private final RateLimiter rateLimiter = new RateLimiter(60_000);
    private final Map<String, Request> inFlight = new ConcurrentHashMap<>();

    OnDemandInspector(DockerWatcher watcher, ContainerCatalog catalog, Executor workers,
            IntConsumer pidListener, long timeoutMillis, Logger logger) {
        this.watcher = watcher;
        this.catalog = catalog;
        this.workers = workers;
        this.pidListener = pidListener;
        this.timeoutMillis = timeoutMillis;
        this.logger = logger;
    }

    /**
     * Returns the container from Docker, or null if Docker is unavailable, does not know the id,
     * or did not respond within the inspect timeout.
     *
     * <p>The timeout runs from the moment the first caller asked for the id, and every caller of
     * that one request shares it. Each probe's poller resolves its own events. If each call
     * waited a full timeout, a slow container would delay that probe's events by one timeout per
     * event, far behind the other probes' events. After the shared timeout, callers get null at
     * once until the request completes.
     */
    DockerContainer inspect(String id) {
        if (!watcher.connected() || catalog.isUnknown(id)) {
            return null;
        }
        Request request = inFlight.get(id);
        if (request == null) {
            if (inFlight.size() >= MAX_IN_FLIGHT) {
                return null;
            }
            Request created = new Request(new CompletableFuture<>(),
                    System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis));
            request = inFlight.putIfAbsent(id, created);
            if (request == null) {
                request = created;
                submit(id, created);
            }
        }
        long waitNanos = request.deadlineNanos() - System.nanoTime();
        try {
            if (waitNanos <= 0) {
                return request.result().getNow(null);
            }
            return request.result().get(waitNanos, TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            logger.debug("inspect of container {} took longer than {} ms", id, timeoutMillis);
            return null;
        } catch (ExecutionException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private void submit(String id, Request request) {
        try {
            workers.execute(() -> {
                DockerContainer container = null;
                try {
                    container = fetch(id);
                } finally {
                    inFlight.remove(id, request);
                    request.result().complete(container);
                }
            });
        } catch (RejectedExecutionException e) {
            inFlight.remove(id, request);
            request.result().complete(null);
        }
    }

    private DockerContainer fetch(String id) {
        Optional<DockerContainer> found;
        try {
            found = watcher.client().inspect(id);
        } catch (IOException e) {
            if (rateLimiter.permit("inspect")) {
                logger.warn("inspect of container {} on {} failed ({} more since the last one):"
                        + " {}", id, watcher.client().socket(), rateLimiter.suppressed("inspect"),
                        e.toString());
            }
            return null;
        }
        if (found.isEmpty()) {
            catalog.markUnknown(id, UNKNOWN_TTL_NANOS);
            return null;
        }
        DockerContainer container = found.get();
        catalog.merge(container);
        if (container.running() && container.pid() > 0) {
            pidListener.accept(container.pid());
        }
        return catalog.get(id);
    }

    /** Inspect request in flight, with the time at which its callers stop waiting. */
    private record Request(CompletableFuture<DockerContainer> result, long deadlineNanos) {
    }
}
