package org.tarsier.console.internal.shell;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.felix.service.command.CommandProcessor;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.tarsier.console.internal.InvalidProperty;

/**
 * Local access to the Gogo shell without a network port: a Unix domain socket that only root can
 * connect to, on which each line a client sends runs as a Gogo command line.
 *
 * <p>{@link ShellProtocol} describes the protocol, and runtime/bin/ShellClient.java is the
 * client. If the socket cannot be bound, the component logs an ERROR and stays active, and a
 * configuration change retries.
 */
@Component(configurationPid = ShellSocket.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = ShellSocket.Config.class)
public class ShellSocket {

    static final String PID = "org.tarsier.console";

    /** Configuration of the shell socket. */
    @ObjectClassDefinition(
            id = PID,
            name = "Tarsier shell socket",
            description = "Unix domain socket on which root runs Gogo shell commands")
    @interface Config {

        @AttributeDefinition(
                name = "Socket path",
                description = "Absolute path of the socket file, at most 107 bytes. Missing "
                        + "folders are created with mode 0700; the socket gets mode 0600.")
        String socket_path() default ShellSettings.DEFAULT_SOCKET_PATH;

        @AttributeDefinition(
                name = "Maximum clients",
                description = "Clients served at once, from 1 to 64; one more gets an error.",
                min = "1",
                max = "64")
        int max_clients() default ShellSettings.DEFAULT_MAX_CLIENTS;
    }

    @Reference
    private CommandProcessor processor;

    @Reference(service = LoggerFactory.class)
    private Logger logger;

    private ShellSettings settings = ShellSettings.DEFAULTS;
    private ShellServer server;

    @Activate
    synchronized void activate(Config config, Map<String, Object> properties) {
        applyValid(config, properties);
        start();
    }

    @Modified
    synchronized void modified(Config config, Map<String, Object> properties) {
        ShellSettings previous = settings;
        applyValid(config, properties);
        if (server == null || !settings.equals(previous)) {
            stop();
            start();
        }
    }

    @Deactivate
    synchronized void deactivate() {
        stop();
    }

    private void applyValid(Config config, Map<String, Object> properties) {
        List<InvalidProperty> invalid = new ArrayList<>();
        ShellSettings parsed = ShellSettings.parse(config, properties, invalid);
        if (parsed == null) {
            invalid.forEach(property -> logger.error(property.message(settings.toString())));
            return;
        }
        settings = parsed;
    }

    private void start() {
        try {
            server = ShellServer.start(settings.socketPath(), settings.maxClients(),
                    new GogoSessions(processor), logger);
            logger.info("Shell socket listening: {}", settings);
        } catch (FileAlreadyExistsException e) {
            // Another agent or a file is in the way. The message names it; no trace is needed.
            logger.error("Shell socket not started: {}", e.getMessage());
        } catch (IOException | RuntimeException e) {
            logger.error("Shell socket not started on {}", settings.socketPath(), e);
        }
    }

    private void stop() {
        if (server != null) {
            server.close();
            logger.info("Shell socket closed on {}", server.socketPath());
            server = null;
        }
    }
}
