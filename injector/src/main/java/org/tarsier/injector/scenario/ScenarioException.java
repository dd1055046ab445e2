package org.tarsier.injector.scenario;

/** An invalid scenario file; the message names the file, the scenario and the value. */
public final class ScenarioException extends Exception {

    private static final long serialVersionUID = 1L;

    public ScenarioException(String message) {
        super(message);
    }

    public ScenarioException(String message, Throwable cause) {
        super(message, cause);
    }
}
