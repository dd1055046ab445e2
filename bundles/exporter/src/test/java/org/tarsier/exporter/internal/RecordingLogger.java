package org.tarsier.exporter.internal;

import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;

import org.osgi.service.log.Logger;

/**
 * An OSGi {@link Logger} for tests that keeps every line as {@code LEVEL message}, with
 * {@code {}} placeholders replaced and a trailing exception appended.
 */
public final class RecordingLogger {

    private static final List<String> LEVELS =
            List.of("trace", "debug", "info", "warn", "error", "audit");

    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final Logger logger = (Logger) Proxy.newProxyInstance(
            Logger.class.getClassLoader(), new Class<?>[] {Logger.class},
            (proxy, method, args) -> {
                String name = method.getName();
                if (name.startsWith("is")) {
                    return true;
                }
                if (name.equals("getName")) {
                    return "test";
                }
                if (LEVELS.contains(name) && args != null && args[0] instanceof String format) {
                    lines.add(name.toUpperCase(Locale.ROOT) + " " + format(format, args));
                }
                return null;
            });

    /** Returns the logger that records into this object. */
    public Logger logger() {
        return logger;
    }

    /** Returns the recorded lines, oldest first. */
    public List<String> lines() {
        return List.copyOf(lines);
    }

    /** Returns the recorded lines that start with {@code level}, e.g. {@code ERROR}. */
    public List<String> lines(String level) {
        return lines.stream().filter(line -> line.startsWith(level + " ")).toList();
    }

    private static String format(String format, Object[] args) {
        Object[] values = args.length == 2 && args[1] instanceof Object[] array
                ? array
                : java.util.Arrays.copyOfRange(args, 1, args.length);
        StringBuilder out = new StringBuilder();
        int next = 0;
        int start = 0;
        int brace;
        while ((brace = format.indexOf("{}", start)) >= 0 && next < values.length) {
            out.append(format, start, brace).append(values[next++]);
            start = brace + 2;
        }
        out.append(format.substring(start));
        for (; next < values.length; next++) {
            out.append(" | ").append(values[next]);
        }
        return out.toString();
    }
}
