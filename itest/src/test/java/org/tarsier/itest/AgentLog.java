package org.tarsier.itest;

import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;

import org.osgi.framework.BundleContext;
import org.osgi.service.log.LogEntry;
import org.osgi.service.log.LogLevel;
import org.osgi.service.log.LogReaderService;

/** Reads the agent's recent log entries through the Log Service, as the log writer receives them. */
final class AgentLog {

    private AgentLog() {
    }

    /** Waits until an entry at {@code level} contains every fragment, and returns its message. */
    static String await(BundleContext context, LogLevel level, long timeoutMillis,
            String... fragments) throws Exception {
        LogReaderService reader = Services.await(context, LogReaderService.class, "", 10_000);
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (true) {
            for (String message : messages(reader, level)) {
                if (containsAll(message, fragments)) {
                    return message;
                }
            }
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("no " + level + " log entry containing "
                        + List.of(fragments) + "; recent entries: " + messages(reader, level));
            }
            Thread.sleep(100);
        }
    }

    private static List<String> messages(LogReaderService reader, LogLevel level) {
        List<String> messages = new ArrayList<>();
        Enumeration<LogEntry> entries = reader.getLog();
        while (entries.hasMoreElements()) {
            LogEntry entry = entries.nextElement();
            if (entry.getLogLevel() == level) {
                Throwable error = entry.getException();
                messages.add(entry.getMessage() + (error == null ? "" : " " + error));
            }
        }
        return messages;
    }

    private static boolean containsAll(String message, String... fragments) {
        for (String fragment : fragments) {
            if (!message.contains(fragment)) {
                return false;
            }
        }
        return true;
    }
}
