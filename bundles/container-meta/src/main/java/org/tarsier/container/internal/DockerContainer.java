package org.tarsier.container.internal;

import java.time.Instant;
import java.util.Map;

/**
 * What Docker's API reports about a container.
 *
 * @param id full container id
 * @param name container name without the leading slash
 * @param image image reference as given at creation ({@code Config.Image})
 * @param labels container labels
 * @param startedAt time of the last start, or null if the container has not started or the
 *     source (an event) does not carry it
 * @param pid host pid of the container's first process, or 0 when it is not running or unknown
 * @param running whether the container is running
 */
record DockerContainer(
        String id,
        String name,
        String image,
        Map<String, String> labels,
        Instant startedAt,
        int pid,
        boolean running) {

    DockerContainer {
        name = name == null ? "" : stripSlash(name);
        image = image == null ? "" : image;
        labels = labels == null ? Map.of() : Map.copyOf(labels);
    }

    DockerContainer withRunning(boolean isRunning) {
        return new DockerContainer(id, name, image, labels, startedAt, pid, isRunning);
    }

    DockerContainer withName(String newName) {
        return new DockerContainer(id, newName, image, labels, startedAt, pid, running);
    }

    private static String stripSlash(String name) {
        return name.startsWith("/") ? name.substring(1) : name;
    }
}
