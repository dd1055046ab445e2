package org.tarsier.console.internal.shell;

import java.io.OutputStream;

/**
 * The command interpreter behind one socket connection; variables set by one command line stay
 * visible to the next.
 */
interface ShellSession extends AutoCloseable {

    /** Opens sessions; the Gogo implementation is {@link GogoSessions}. */
    @FunctionalInterface
    interface Factory {

        /**
         * Opens a session whose commands read an empty standard input and print to the given
         * streams.
         */
        ShellSession open(OutputStream stdout, OutputStream stderr);
    }

    /**
     * Runs one command line.
     *
     * @return the command's result formatted for display, or an empty string if it returned none
     * @throws Exception the failure of the command, whose message is sent to the client
     */
    String execute(String commandLine) throws Exception;

    /** Ends the session and stops the commands it still runs. */
    @Override
    void close();
}
