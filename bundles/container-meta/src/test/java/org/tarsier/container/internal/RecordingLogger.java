package org.tarsier.container.internal;

import java.lang.reflect.Proxy;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.osgi.service.log.Logger;

/**
 * Stands in for the OSGi Log Service in tests that run outside a framework: stores every line
 * with its level and the {@code {}} placeholders filled in.
 */
final class RecordingLogger {

    /** One logged line. */
    record Line(String level, String message) {
    }

    private final List<Line> lines = new CopyOnWriteArrayList<>();
    private final Logger logger = (Logger) Proxy.newProxyInstance(
            Logger.class.getClassLoader(), new Class<?>[] {Logger.class},
            (proxy, method, args) -> switch (method.getName()) {
                case "trace", "debug", "info", "warn", "error", "audit" -> {
                    record(method.getName(), args);
                    yield null;
                }
                case "getName" -> "test";
                case "toString" -> "RecordingLogger";
                case "hashCode" -> System.identityHashCode(proxy);
                case "equals" -> proxy == args[0];
                default -> method.getReturnType() == boolean.class ? Boolean.TRUE : null;
            });

    Logger logger() {
        return logger;
    }

    List<Line> lines() {
        return List.copyOf(lines);
    }

    /** Returns the messages logged at {@code level} (info, warn, error …). */
    List<String> messages(String level) {
        return lines.stream().filter(line -> line.level().equals(level)).map(Line::message)
                .toList();
    }

    private void record(String level, Object[] args) {
        if (args == null || !(args[0] instanceof String format)) {
            return;
        }
        Object[] values = args.length == 2 && args[1] instanceof Object[] array ? array
                : java.util.Arrays.copyOfRange(args, 1, args.length);
        lines.add(new Line(level, format(format, values)));
    }

    private static String format(String format, Object[] values) {
        StringBuilder out = new StringBuilder();
        int next = 0;
        int from = 0;
        int at;
        while ((at = format.indexOf("{}", from)) >= 0) {
            out.append(format, from, at);
            out.append(next < values.length ? String.valueOf(values[next++]) : "{}");
            from = at + 2;
        }
        return out.append(format.substring(from)).toString();
    }
}
