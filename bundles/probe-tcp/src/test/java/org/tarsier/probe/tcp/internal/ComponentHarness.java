package org.tarsier.probe.tcp.internal;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.log.Logger;

/**
 * Runs the TcpProbe component outside a framework: injects a logger that keeps every line and an
 * Event Admin that keeps every posted event, and builds configurations the way DS does from
 * property maps.
 */
final class ComponentHarness {

    /** One log line with its level and the placeholders filled in. */
    record LogLine(String level, String message) {
    }

    final TcpProbe probe = new TcpProbe();
    final List<LogLine> log = new CopyOnWriteArrayList<>();
    final List<Event> posted = new CopyOnWriteArrayList<>();

    ComponentHarness() throws ReflectiveOperationException {
        inject("logger", Proxy.newProxyInstance(Logger.class.getClassLoader(),
                new Class<?>[] {Logger.class}, (proxy, method, args) -> logCall(method, args)));
        inject("eventAdmin", Proxy.newProxyInstance(EventAdmin.class.getClassLoader(),
                new Class<?>[] {EventAdmin.class}, (proxy, method, args) -> {
                    if (method.getName().equals("postEvent")
                            || method.getName().equals("sendEvent")) {
                        posted.add((Event) args[0]);
                    }
                    return null;
                }));
    }

    /** Returns a configuration with the given properties and defaults for the others. */
    static TcpProbe.Config config(Map<String, Object> properties) {
        Map<String, Object> values = new HashMap<>(properties);
        return (TcpProbe.Config) Proxy.newProxyInstance(TcpProbe.Config.class.getClassLoader(),
                new Class<?>[] {TcpProbe.Config.class}, (proxy, method, args) -> {
                    String property = method.getName().replace('_', '.');
                    if (values.containsKey(property)) {
                        return values.get(property);
                    }
                    Object fallback = method.getDefaultValue();
                    if (fallback == null) {
                        throw new UnsupportedOperationException(method.getName());
                    }
                    return fallback;
                });
    }

    /** Returns the messages logged at a level: info, warn or error. */
    List<String> messages(String level) {
        List<String> messages = new ArrayList<>();
        for (LogLine line : log) {
            if (line.level().equals(level)) {
                messages.add(line.message());
            }
        }
        return messages;
    }

    private void inject(String fieldName, Object value) throws ReflectiveOperationException {
        Field field = TcpProbe.class.getDeclaredField(fieldName);
        field.setAccessible(true);
        field.set(probe, value);
    }

    private Object logCall(Method method, Object[] args) {
        String name = method.getName();
        if (List.of("trace", "debug", "info", "warn", "error").contains(name) && args != null
                && args[0] instanceof String format) {
            Object[] values = args.length == 2 && args[1] instanceof Object[] array ? array
                    : Arrays.copyOfRange(args, 1, args.length);
            log.add(new LogLine(name, fill(format, values)));
            return null;
        }
        if (name.equals("getName")) {
            return "tcp-test";
        }
        return method.getReturnType() == boolean.class ? Boolean.TRUE : null;
    }

    private static String fill(String format, Object[] values) {
        StringBuilder text = new StringBuilder();
        int from = 0;
        int next = 0;
        int at = format.indexOf("{}");
        while (at >= 0) {
            text.append(format, from, at);
            text.append(next < values.length ? values[next++] : "{}");
            from = at + 2;
            at = format.indexOf("{}", from);
        }
        return text.append(format.substring(from)).toString();
    }
}
