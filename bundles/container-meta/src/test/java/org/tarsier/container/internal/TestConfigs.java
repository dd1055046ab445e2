package org.tarsier.container.internal;

import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.Map;

/**
 * Builds {@link ContainerResolverComponent.Config} instances the way DS does: each member returns
 * the property of its name, or its default.
 */
final class TestConfigs {

    private TestConfigs() {
    }

    /** Returns properties that start from the defaults and override the given pairs. */
    static Map<String, Object> properties(Object... pairs) {
        Map<String, Object> properties = new HashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            properties.put((String) pairs[i], pairs[i + 1]);
        }
        return properties;
    }

    static ContainerResolverComponent.Config config(Map<String, Object> properties) {
        return (ContainerResolverComponent.Config) Proxy.newProxyInstance(
                ContainerResolverComponent.Config.class.getClassLoader(),
                new Class<?>[] {ContainerResolverComponent.Config.class},
                (proxy, method, args) -> {
                    if (method.getDeclaringClass() == Object.class) {
                        return switch (method.getName()) {
                            case "hashCode" -> System.identityHashCode(proxy);
                            case "equals" -> proxy == args[0];
                            default -> "Config" + properties;
                        };
                    }
                    Object value = properties.get(method.getName());
                    if (value == null) {
                        return method.getDefaultValue();
                    }
                    return coerce(value, method.getReturnType());
                });
    }

    /** Converts like DS: strings are parsed, and a value that cannot be is an error. */
    private static Object coerce(Object value, Class<?> type) {
        if (type == String.class) {
            return value.toString();
        }
        if (type == long.class) {
            return value instanceof Number n ? n.longValue() : Long.parseLong(value.toString());
        }
        if (type == int.class) {
            return value instanceof Number n ? n.intValue() : Integer.parseInt(value.toString());
        }
        throw new IllegalArgumentException("unsupported type " + type);
    }
}
