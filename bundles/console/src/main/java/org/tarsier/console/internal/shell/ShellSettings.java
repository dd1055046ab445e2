package org.tarsier.console.internal.shell;

import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.tarsier.console.internal.InvalidProperty;

/**
 * Validated configuration of the shell socket.
 *
 * @param socketPath absolute path of the socket file
 * @param maxClients number of clients served at once
 */
record ShellSettings(Path socketPath, int maxClients) {

    static final String SOCKET_PATH = "socket.path";
    static final String MAX_CLIENTS = "max.clients";
    static final String DEFAULT_SOCKET_PATH = "/run/tarsier/shell.sock";
    static final int DEFAULT_MAX_CLIENTS = 4;
    static final int MAX_MAX_CLIENTS = 64;

    /** Linux {@code sun_path} is 108 bytes long including the terminating zero byte. */
    static final int MAX_SOCKET_PATH_BYTES = 107;

    static final ShellSettings DEFAULTS =
            new ShellSettings(Path.of(DEFAULT_SOCKET_PATH), DEFAULT_MAX_CLIENTS);

    /**
     * Reads and checks the configuration.
     *
     * @param config the typed view of {@code properties}
     * @param properties the raw properties, to report a rejected value as it was configured
     * @param invalid receives one entry per rejected property
     * @return the settings, or {@code null} if a property was rejected
     */
    static ShellSettings parse(ShellSocket.Config config, Map<String, Object> properties,
            List<InvalidProperty> invalid) {
        int before = invalid.size();
        Path socketPath = parseSocketPath(config, properties, invalid);
        int maxClients = parseMaxClients(config, properties, invalid);
        return invalid.size() == before ? new ShellSettings(socketPath, maxClients) : null;
    }

    @Override
    public String toString() {
        return SOCKET_PATH + "=" + socketPath + ", " + MAX_CLIENTS + "=" + maxClients;
    }

    private static Path parseSocketPath(ShellSocket.Config config, Map<String, Object> properties,
            List<InvalidProperty> invalid) {
        String expected = "an absolute path of at most " + MAX_SOCKET_PATH_BYTES + " bytes";
        String text = config.socket_path();
        int bytes = text.getBytes(StandardCharsets.UTF_8).length;
        if (text.isBlank() || bytes > MAX_SOCKET_PATH_BYTES) {
            invalid.add(invalidProperty(SOCKET_PATH, properties, expected));
            return null;
        }
        try {
            Path path = Path.of(text);
            if (path.isAbsolute() && path.getFileName() != null) {
                return path.normalize();
            }
        } catch (InvalidPathException e) {
            // Reported below like any other unusable path.
        }
        invalid.add(invalidProperty(SOCKET_PATH, properties, expected));
        return null;
    }

    private static int parseMaxClients(ShellSocket.Config config, Map<String, Object> properties,
            List<InvalidProperty> invalid) {
        String expected = "an integer from 1 to " + MAX_MAX_CLIENTS;
        int maxClients;
        try {
            maxClients = config.max_clients();
        } catch (RuntimeException e) {
            // SCR raises its ComponentException when the value is not an integer.
            invalid.add(invalidProperty(MAX_CLIENTS, properties, expected));
            return 0;
        }
        if (maxClients < 1 || maxClients > MAX_MAX_CLIENTS) {
            invalid.add(invalidProperty(MAX_CLIENTS, properties, expected));
        }
        return maxClients;
    }

    private static InvalidProperty invalidProperty(String property, Map<String, Object> properties,
            String expected) {
        return new InvalidProperty(ShellSocket.PID, property, properties.get(property), expected);
    }
}
