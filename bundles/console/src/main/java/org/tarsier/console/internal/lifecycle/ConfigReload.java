package org.tarsier.console.internal.lifecycle;

import java.io.IOException;
import java.io.Reader;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URI;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.log.Logger;

/**
 * Re-reads the configuration folder and reloads rules, for SIGHUP.
 *
 * <p>FileInstall polls the folder and applies a file when its content changes. A reload
 * additionally puts back the file's values into every configuration that FileInstall created
 * from it and that differs from the file now, for example after a shell command changed it, and
 * calls {@code reload()} on every Gogo command service that offers a {@code reload} function,
 * such as {@code rules:reload}. Files that FileInstall has not applied yet are left to its next
 * poll.
 */
final class ConfigReload {

    static final String FILENAME = "felix.fileinstall.filename";
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([^}]+)}");

    private final BundleContext context;
    private final Logger logger;

    ConfigReload(BundleContext context, Logger logger) {
        this.context = context;
        this.logger = logger;
    }

    /** Runs the reload and logs one line with what changed. */
    void run(ConfigurationAdmin admin) {
        String folder = context.getProperty("felix.fileinstall.dir");
        int updated = 0;
        if (folder == null) {
            logger.warn("SIGHUP: the framework property felix.fileinstall.dir is not set, so"
                    + " no configuration folder is re-read");
        } else if (admin == null) {
            logger.warn("SIGHUP: no ConfigurationAdmin service; configuration folder {} not"
                    + " re-read", folder);
        } else {
            updated = rereadFolder(Path.of(folder), admin);
        }
        List<String> reloaded = runReloadCommands();
        logger.info("SIGHUP: configuration folder {} re-read, {} configurations updated;"
                + " reload commands run: {}", folder, updated, reloaded);
    }

    private int rereadFolder(Path folder, ConfigurationAdmin admin) {
        Map<Path, Configuration> owned = configurationsByFile(admin);
        int updated = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(folder, "*.cfg")) {
            for (Path file : files) {
                Configuration configuration = owned.get(file.toAbsolutePath().normalize());
                if (configuration != null && update(file, configuration)) {
                    updated++;
                }
            }
        } catch (IOException e) {
            logger.error("SIGHUP: failed to list configuration folder {}", folder, e);
        }
        return updated;
    }

    private Map<Path, Configuration> configurationsByFile(ConfigurationAdmin admin) {
        Map<Path, Configuration> byFile = new HashMap<>();
        try {
            Configuration[] configurations =
                    admin.listConfigurations("(" + FILENAME + "=*)");
            if (configurations == null) {
                return byFile;
            }
            for (Configuration configuration : configurations) {
                Path file = toPath(String.valueOf(configuration.getProperties().get(FILENAME)));
                if (file != null) {
                    byFile.put(file, configuration);
                }
            }
        } catch (IOException | InvalidSyntaxException e) {
            logger.error("SIGHUP: failed to list the configurations of FileInstall", e);
        }
        return byFile;
    }

    private static Path toPath(String filename) {
        try {
            Path path = filename.startsWith("file:") ? Path.of(URI.create(filename))
                    : Path.of(filename);
            return path.toAbsolutePath().normalize();
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** Applies the file's values when they differ from the configuration's. */
    private boolean update(Path file, Configuration configuration) {
        Properties values = new Properties();
        try (Reader reader = Files.newBufferedReader(file)) {
            values.load(reader);
        } catch (IOException | IllegalArgumentException e) {
            logger.error("SIGHUP: failed to read {} (PID {}): {}; configuration unchanged",
                    file, configuration.getPid(), e.toString());
            return false;
        }
        Dictionary<String, Object> current = configuration.getProperties();
        Hashtable<String, Object> next = new Hashtable<>();
        for (String key : values.stringPropertyNames()) {
            next.put(key, substitute(values.getProperty(key).strip()));
        }
        next.put(FILENAME, current.get(FILENAME));
        if (sameValues(current, next)) {
            return false;
        }
        try {
            configuration.update(next);
            logger.info("SIGHUP: configuration {} updated from {}", configuration.getPid(), file);
            return true;
        } catch (IOException | IllegalStateException e) {
            logger.error("SIGHUP: failed to update configuration {} from {}",
                    configuration.getPid(), file, e);
            return false;
        }
    }

    private static boolean sameValues(Dictionary<String, Object> current,
            Map<String, Object> next) {
        Map<String, String> currentValues = new HashMap<>();
        for (Enumeration<String> keys = current.keys(); keys.hasMoreElements();) {
            String key = keys.nextElement();
            if (!key.equals("service.pid") && !key.equals("service.factoryPid")
                    && !key.equals("service.bundleLocation")) {
                currentValues.put(key, String.valueOf(current.get(key)));
            }
        }
        Map<String, String> nextValues = new HashMap<>();
        next.forEach((key, value) -> nextValues.put(key, String.valueOf(value)));
        return currentValues.equals(nextValues);
    }

    /** Replaces {@code ${name}} with a framework or system property, as FileInstall does. */
    private String substitute(String value) {
        Matcher matcher = VARIABLE.matcher(value);
        StringBuilder result = new StringBuilder();
        while (matcher.find()) {
            String replacement = context.getProperty(matcher.group(1));
            matcher.appendReplacement(result,
                    Matcher.quoteReplacement(replacement == null ? "" : replacement));
        }
        matcher.appendTail(result);
        return result.toString();
    }

    private List<String> runReloadCommands() {
        List<String> reloaded = new ArrayList<>();
        ServiceReference<?>[] references;
        try {
            references = context.getServiceReferences((String) null,
                    "(&(osgi.command.scope=*)(osgi.command.function=reload))");
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException("constant filter is invalid", e);
        }
        if (references == null) {
            return reloaded;
        }
        for (ServiceReference<?> reference : references) {
            String command = reference.getProperty("osgi.command.scope") + ":reload";
            Object service = context.getService(reference);
            if (service == null) {
                continue;
            }
            try {
                Method reload = service.getClass().getMethod("reload");
                Object result = reload.invoke(service);
                logger.info("SIGHUP: {} returned: {}", command, result);
                reloaded.add(command);
            } catch (NoSuchMethodException | IllegalAccessException e) {
                logger.warn("SIGHUP: command service {} has no public reload() method: {}",
                        command, e.toString());
            } catch (InvocationTargetException e) {
                logger.error("SIGHUP: {} failed", command, e.getCause());
            } finally {
                context.ungetService(reference);
            }
        }
        return reloaded;
    }
}
