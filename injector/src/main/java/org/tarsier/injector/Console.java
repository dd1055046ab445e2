package org.tarsier.injector;

import java.io.PrintStream;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * Progress, warning and error lines of the command-line tool, on standard error, so that
 * standard output carries only the plan and the evaluation report.
 */
public final class Console {

    private static final PrintStream ERR = System.err;

    private Console() {
    }

    public static void info(String message) {
        print("INFO", message);
    }

    public static void warn(String message) {
        print("WARN", message);
    }

    public static void error(String message) {
        print("ERROR", message);
    }

    private static synchronized void print(String level, String message) {
        ERR.println(Instant.now().truncatedTo(ChronoUnit.MILLIS) + " " + level + " injector: "
                + message);
    }
}
