package org.tarsier.api.probe;

/** Failure to load or unload a probe, with a message that names the probe and the cause. */
public class ProbeException extends Exception {

    private static final long serialVersionUID = 1L;

    public ProbeException(String message) {
        super(message);
    }

    public ProbeException(String message, Throwable cause) {
        super(message, cause);
    }
}
