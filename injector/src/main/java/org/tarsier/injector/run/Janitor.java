package org.tarsier.injector.run;

import java.io.IOException;
import java.util.List;

import org.tarsier.injector.Console;
import org.tarsier.injector.docker.DockerClient;

/** Removes containers left behind by injector runs whose process is gone. */
public final class Janitor {

    private final DockerClient docker;

    public Janitor(DockerClient docker) {
        this.docker = docker;
    }

    /**
     * Removes every injector container whose creating process is no longer running, and returns
     * how many were removed. Containers of a live injector, such as one started in another
     * terminal, are kept.
     */
    public int removeLeftovers() throws IOException {
        int removed = 0;
        List<DockerClient.ContainerSummary> containers =
                docker.listByLabels(List.of(RunLabels.MARKER));
        for (DockerClient.ContainerSummary container : containers) {
            if (RunLabels.ownerAlive(container.labels())) {
                continue;
            }
            docker.remove(container.id());
            Console.warn("removed leftover container " + container.name() + " ("
                    + shortId(container.id()) + ") of crashed run "
                    + container.labels().getOrDefault(RunLabels.RUN, "?"));
            removed++;
        }
        return removed;
    }

    /** Removes every container of run {@code runId}; returns how many were removed. */
    public int removeRun(String runId) throws IOException {
        int removed = 0;
        for (DockerClient.ContainerSummary container
                : docker.listByLabels(List.of(RunLabels.RUN + "=" + runId))) {
            docker.remove(container.id());
            removed++;
        }
        return removed;
    }

    static String shortId(String id) {
        return id.length() > 12 ? id.substring(0, 12) : id;
    }
}
