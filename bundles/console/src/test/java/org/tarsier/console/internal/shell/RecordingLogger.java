package org.tarsier.console.internal.shell;

import java.lang.reflect.Proxy;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.osgi.service.log.Logger;

/** Creates {@link Logger}s that keep each call as "level: format" for the test to inspect. */
final class RecordingLogger {

    private RecordingLogger() {
    }

    static Logger create(List<String> lines) {
        return (Logger) Proxy.newProxyInstance(Logger.class.getClassLoader(),
                new Class<?>[] {Logger.class}, (proxy, method, args) -> {
                    String name = method.getName();
                    if (name.startsWith("is") && name.endsWith("Enabled")) {
                        return true;
                    }
                    if (method.getReturnType() == void.class && args != null
                            && args[0] instanceof String format) {
                        lines.add(name + ": " + format);
                        return null;
                    }
                    if (name.equals("getName")) {
                        return "test";
                    }
                    if (name.equals("toString")) {
                        return "RecordingLogger";
                    }
                    return null;
                });
    }

    static List<String> newLines() {
        return new CopyOnWriteArrayList<>();
    }
}
