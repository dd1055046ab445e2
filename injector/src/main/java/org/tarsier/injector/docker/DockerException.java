package org.tarsier.injector.docker;

import java.io.IOException;

/** An error status returned by the Docker engine, with the action that failed. */
public final class DockerException extends IOException {

    private final int status;

    DockerException(int status, String action, String message) {
        super("failed to " + action + ": Docker engine returned " + status + ": " + message);
        this.status = status;
    }

    /** Returns the HTTP status the engine returned. */
    public int status() {
        return status;
    }
}
