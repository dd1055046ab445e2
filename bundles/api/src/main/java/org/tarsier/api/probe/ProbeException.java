package org.tarsier.api.probe;

/** Failure to load or unload a probe, with a message that names the probe and the cause. */
public class ProbeException extends Exception {

    private static final long serialVersionUID = 1L;

    /** Creates an exception with a message that names the probe and the cause. */
    public ProbeException(String message) {
        super(message);
    }

    /** Creates an exception with a message and the underlying cause. */
    public ProbeException(String message, Throwable cause) {
        super(message, cause);
    }
}
