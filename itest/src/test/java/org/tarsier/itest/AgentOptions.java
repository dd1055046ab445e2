package org.tarsier.itest;

import static org.ops4j.pax.exam.CoreOptions.bundle;
import static org.ops4j.pax.exam.CoreOptions.composite;
import static org.ops4j.pax.exam.CoreOptions.junitBundles;
import static org.ops4j.pax.exam.CoreOptions.systemPackage;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.jar.JarFile;

import org.ops4j.pax.exam.Option;

/**
 * Pax Exam options that boot the same bundles as the exported agent jar.
 *
 * <p>The bundle list comes from the {@code launch.bundles} entry of the jar's
 * {@code launcher.properties}, so the tests run exactly what {@code ./tarsier run} runs. The
 * Gogo shell bundle is left out because it would read the test JVM's standard input.
 */
final class AgentOptions {

    private static final Path AGENT_JAR = Path.of(System.getProperty("tarsier.agent.jar",
            "../runtime/target/tarsier.jar"));
    private static final Path BUNDLE_DIR = Path.of("target/agent-bundles");
    /** Framework property with the port of the HTTP service that serves the Web Console. */
    static final String HTTP_PORT = "org.osgi.service.http.port";
    /**
     * Framework properties of the runtime that keep the HTTP service on 127.0.0.1 and the Web
     * Console's built-in admin/admin login unusable; Pax Exam does not read the .bndrun.
     */
    private static final List<String> HTTP_PROPERTIES = List.of(
            "org.apache.felix.http.host",
            "org.apache.felix.http.jetty.sendServerHeader",
            "org.slf4j.simpleLogger.defaultLogLevel",
            "felix.webconsole.security.providers",
            "felix.webconsole.password");

    private AgentOptions() {
    }

    /** Returns the options for the agent's bundles plus the given framework properties. */
    static Option agent(Option... extra) {
        List<Option> options = new ArrayList<>();
        options.add(junitBundles());
        // Pax Exam sets org.osgi.framework.system.packages.extra itself; this option adds to it.
        options.add(systemPackage("com.sun.net.httpserver"));
        options.add(systemPackage("sun.misc"));
        options.add(systemProperty("tarsier.home").value(System.getProperty("tarsier.home", "..")));
        options.add(systemProperty("felix.fileinstall.dir").value(configDir().toString()));
        options.add(systemProperty("org.osgi.service.log.admin.loglevel").value("INFO"));
        options.add(systemProperty("org.apache.felix.eventadmin.Timeout").value("0"));
        Properties launcher = launcherProperties();
        for (String key : HTTP_PROPERTIES) {
            options.add(systemProperty(key).value(launcher.getProperty(key)));
        }
        // A free loopback port, so that a test never reaches the console of another agent.
        options.add(systemProperty(HTTP_PORT).value(Integer.toString(freeLoopbackPort())));
        for (Path jar : agentBundles(launcher)) {
            options.add(bundle(jar.toUri().toString()));
        }
        options.addAll(List.of(extra));
        return composite(options.toArray(Option[]::new));
    }

    private static Path configDir() {
        try {
            Path dir = Files.createDirectories(Path.of("target/itest-etc")).toAbsolutePath();
            // Only warnings on the test output: Felix Log reports bundle and service events at
            // INFO, and the agent's own INFO lines are checked through the Log Service instead.
            Files.writeString(dir.resolve("org.tarsier.log.cfg"), "level = WARN\n");
            Files.writeString(dir.resolve("org.osgi.service.log.admin.cfg"),
                    "ROOT = INFO\nEvents = WARN\n");
            Path output = Path.of("target/itest-output").toAbsolutePath();
            Files.writeString(dir.resolve("org.tarsier.output.jsonl.cfg"),
                    "alerts.path = " + output.resolve("alerts.jsonl") + "\n"
                            + "events.path = " + output.resolve("events.jsonl") + "\n");
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int freeLoopbackPort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Properties launcherProperties() {
        try (JarFile jar = new JarFile(AGENT_JAR.toFile())) {
            Properties launcher = new Properties();
            try (InputStream in = jar.getInputStream(jar.getEntry("launcher.properties"))) {
                launcher.load(in);
            }
            return launcher;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the agent jar " + AGENT_JAR
                    + "; build it with 'mvn install -pl runtime -am'", e);
        }
    }

    private static List<Path> agentBundles(Properties launcher) {
        try (JarFile jar = new JarFile(AGENT_JAR.toFile())) {
            Files.createDirectories(BUNDLE_DIR);
            List<Path> bundles = new ArrayList<>();
            for (String entry : launcher.getProperty("launch.bundles").split(",")) {
                if (entry.contains("gogo.shell")) {
                    continue;
                }
                Path target = BUNDLE_DIR.resolve(Path.of(entry).getFileName()).toAbsolutePath();
                try (InputStream in = jar.getInputStream(jar.getEntry(entry))) {
                    Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
                }
                bundles.add(target);
            }
            return bundles;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the agent jar " + AGENT_JAR
                    + "; build it with 'mvn install -pl runtime -am'", e);
        }
    }
}
