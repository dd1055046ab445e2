package org.tarsier.probe.process.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Validated configuration of the process probe.
 *
 * @param autoload load the programs when the component activates
 * @param maxArgs arguments copied per exec, 1 to {@link RecordLayouts#ARGS_COUNT_LIMIT}
 * @param maxArgsBytes bytes of arguments copied per exec, 16 to {@link RecordLayouts#ARGS_LIMIT}
 * @param pollTimeoutMillis maximum wait of one ring-buffer poll, 10 to 10000
 * @param execTracepoint tracepoint of the exec program as {@code category/name}
 */
record Settings(
        boolean autoload, int maxArgs, int maxArgsBytes, int pollTimeoutMillis,
        String execTracepoint) {

    static final Settings DEFAULTS = new Settings(true, 16, 1024, 100, "sched/sched_process_exec");

    static final String AUTOLOAD = "autoload";
    static final String ARGV_MAX = "argv.max";
    static final String ARGV_MAX_BYTES = "argv.max.bytes";
    static final String POLL_TIMEOUT_MS = "poll.timeout.ms";
    static final String EXEC_TRACEPOINT = "exec.tracepoint";

    private static final Pattern TRACEPOINT = Pattern.compile("[A-Za-z0-9_]+/[A-Za-z0-9_]+");

    /** Returns the tracepoint category, e.g. sched. */
    String execTracepointCategory() {
        return execTracepoint.substring(0, execTracepoint.indexOf('/'));
    }

    /** Returns the tracepoint name, e.g. sched_process_exec. */
    String execTracepointName() {
        return execTracepoint.substring(execTracepoint.indexOf('/') + 1);
    }

    /**
     * Checks raw values and returns the problems, one sentence each naming the property, the bad
     * value and what is expected; an empty list means {@link #of} accepts them.
     */
    static List<String> problems(int maxArgs, int maxArgsBytes, int pollTimeoutMillis,
            String execTracepoint) {
        List<String> problems = new ArrayList<>();
        checkRange(problems, ARGV_MAX, maxArgs, 1, RecordLayouts.ARGS_COUNT_LIMIT);
        checkRange(problems, ARGV_MAX_BYTES, maxArgsBytes, 16, RecordLayouts.ARGS_LIMIT);
        checkRange(problems, POLL_TIMEOUT_MS, pollTimeoutMillis, 10, 10_000);
        if (execTracepoint == null || !TRACEPOINT.matcher(execTracepoint).matches()) {
            problems.add(EXEC_TRACEPOINT + "=" + execTracepoint
                    + " is invalid: expected category/name, e.g. sched/sched_process_exec");
        }
        return problems;
    }

    @Override
    public String toString() {
        return AUTOLOAD + "=" + autoload + ", " + ARGV_MAX + "=" + maxArgs + ", "
                + ARGV_MAX_BYTES + "=" + maxArgsBytes + ", " + POLL_TIMEOUT_MS + "="
                + pollTimeoutMillis + ", " + EXEC_TRACEPOINT + "=" + execTracepoint;
    }

    private static void checkRange(List<String> problems, String property, int value, int min,
            int max) {
        if (value < min || value > max) {
            problems.add(property + "=" + value + " is invalid: expected an integer from " + min
                    + " to " + max);
        }
    }
}
