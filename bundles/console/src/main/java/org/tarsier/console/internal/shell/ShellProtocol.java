package org.tarsier.console.internal.shell;

/**
 * The line protocol of the shell socket, in UTF-8.
 *
 * <p>The client sends one command line per line ({@code \n}, an optional {@code \r} before it is
 * dropped). For each line the server sends a reply and then waits for the next line:
 * <ul>
 *   <li>standard output of the command and its formatted result, one line each; a line that
 *       starts with {@code .} is sent with one more {@code .} in front, as SMTP does with its
 *       data lines, so that no output line can be taken for a control line;</li>
 *   <li>{@code .stderr TEXT} for each line the command wrote to standard error, and for each
 *       line of the error message when the command failed;</li>
 *   <li>the end line {@value #END_OK} or {@value #END_ERROR}.</li>
 * </ul>
 * runtime/bin/ShellClient.java implements the client side; the two must change together.
 */
final class ShellProtocol {

    /** End line of a reply to a command that succeeded. */
    static final String END_OK = ".end ok";

    /** End line of a reply to a command that failed or could not run. */
    static final String END_ERROR = ".end error";

    /** Prefix of a line that the client writes to its standard error. */
    static final String STDERR_PREFIX = ".stderr ";

    /** Maximum length of a command line in bytes, without the line break. */
    static final int MAX_COMMAND_BYTES = 64 * 1024;

    private ShellProtocol() {
    }

    /** Returns an output line in its sent form, with a {@code .} added if it starts with one. */
    static String stuff(String line) {
        return line.startsWith(".") ? "." + line : line;
    }

    /** Returns a standard error line in its sent form. */
    static String stderr(String line) {
        return STDERR_PREFIX + line;
    }
}
