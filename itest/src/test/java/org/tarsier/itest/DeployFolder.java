package org.tarsier.itest;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Dictionary;
import java.util.Enumeration;
import java.util.Hashtable;
import java.util.Properties;
import java.util.function.Predicate;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * A deploy folder of the running agent, watched by FileInstall with the properties of the
 * shipped {@code runtime/etc/org.apache.felix.fileinstall-deploy.cfg}, in a temporary directory
 * under {@code target/} that the test owns.
 */
final class DeployFolder implements AutoCloseable {

    private static final String FILEINSTALL_FACTORY = "org.apache.felix.fileinstall";
    private static final Path SHIPPED_CONFIG = Path.of(System.getProperty("tarsier.home", ".."),
            "runtime/etc/org.apache.felix.fileinstall-deploy.cfg");

    private final BundleContext context;
    private final Path dir;
    private final Configuration watcher;

    private DeployFolder(BundleContext context, Path dir, Configuration watcher) {
        this.context = context;
        this.dir = dir;
        this.watcher = watcher;
    }

    /** Creates the folder and starts a FileInstall watcher on it. */
    static DeployFolder create(BundleContext context) throws Exception {
        Path target = Files.createDirectories(Path.of("target").toAbsolutePath());
        Path dir = Files.createTempDirectory(target, "deploy-");
        Properties shipped = new Properties();
        try (Reader reader = Files.newBufferedReader(SHIPPED_CONFIG)) {
            shipped.load(reader);
        }
        Dictionary<String, Object> properties = new Hashtable<>();
        for (String name : shipped.stringPropertyNames()) {
            properties.put(name, shipped.getProperty(name).replace("${tarsier.deploy}",
                    dir.toString()));
        }
        ConfigurationAdmin admin =
                Services.await(context, ConfigurationAdmin.class, "", 10_000);
        Configuration watcher = admin.createFactoryConfiguration(FILEINSTALL_FACTORY, "?");
        watcher.update(properties);
        return new DeployFolder(context, dir, watcher);
    }

    /**
     * Copies a jar into the folder under {@code name}, replacing any file of that name. The jar
     * is written beside the folder first and moved in, so FileInstall never reads half a file.
     */
    void copy(Path jar, String name) throws IOException {
        Path staged = dir.resolveSibling(dir.getFileName() + "-" + name + ".part");
        Files.copy(jar, staged, StandardCopyOption.REPLACE_EXISTING);
        Files.move(staged, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.ATOMIC_MOVE);
    }

    /** Deletes the jar of that name from the folder. */
    void remove(String name) throws IOException {
        Files.delete(dir.resolve(name));
    }

    /**
     * Writes a copy of {@code jar} whose manifest has {@code Bundle-Version: version}, so that
     * a test can deploy a second build of a bundle without committing a binary.
     */
    static Path withVersion(Path jar, String version) throws IOException {
        Path variant = Files.createTempFile(Path.of("target").toAbsolutePath(), "variant-",
                ".jar");
        try (JarFile source = new JarFile(jar.toFile())) {
            Manifest manifest = new Manifest(source.getManifest());
            manifest.getMainAttributes().put(new Attributes.Name(Constants.BUNDLE_VERSION),
                    version);
            try (OutputStream out = Files.newOutputStream(variant);
                    JarOutputStream target = new JarOutputStream(out, manifest)) {
                Enumeration<JarEntry> entries = source.entries();
                while (entries.hasMoreElements()) {
                    JarEntry entry = entries.nextElement();
                    if (entry.getName().equals(JarFile.MANIFEST_NAME)
                            || entry.getName().equals("META-INF/")) {
                        continue;
                    }
                    target.putNextEntry(new JarEntry(entry.getName()));
                    try (InputStream in = source.getInputStream(entry)) {
                        in.transferTo(target);
                    }
                    target.closeEntry();
                }
            }
        }
        return variant;
    }

    /**
     * Writes a bundle without classes that exports {@code packageName} at {@code version}, as a
     * jar that embeds an API package does.
     */
    static Path exporting(String symbolicName, String packageName, String version)
            throws IOException {
        Path jar = Files.createTempFile(Path.of("target").toAbsolutePath(), "exporting-", ".jar");
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.put(new Attributes.Name(Constants.BUNDLE_MANIFESTVERSION), "2");
        main.put(new Attributes.Name(Constants.BUNDLE_SYMBOLICNAME), symbolicName);
        main.put(new Attributes.Name(Constants.BUNDLE_VERSION), "1.0.0");
        main.put(new Attributes.Name(Constants.EXPORT_PACKAGE),
                packageName + ";version=\"" + version + "\"");
        try (OutputStream out = Files.newOutputStream(jar);
                JarOutputStream target = new JarOutputStream(out, manifest)) {
            target.putNextEntry(new JarEntry(packageName.replace('.', '/') + "/"));
            target.closeEntry();
        }
        return jar;
    }

    /** Returns the installed bundle with this symbolic name, or {@code null}. */
    Bundle bundle(String symbolicName) {
        Bundle found = null;
        int count = 0;
        for (Bundle bundle : context.getBundles()) {
            if (symbolicName.equals(bundle.getSymbolicName())) {
                found = bundle;
                count++;
            }
        }
        if (count > 1) {
            throw new AssertionError(count + " bundles named " + symbolicName + " installed");
        }
        return found;
    }

    /** Waits until the bundle of this name satisfies the condition; it may be {@code null}. */
    Bundle awaitBundle(String symbolicName, Predicate<Bundle> condition, String expected,
            long timeoutMillis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (true) {
            Bundle bundle = bundle(symbolicName);
            if (condition.test(bundle)) {
                return bundle;
            }
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("bundle " + symbolicName + " is not " + expected
                        + " after " + timeoutMillis + " ms: " + describe(bundle));
            }
            Thread.sleep(100);
        }
    }

    private static String describe(Bundle bundle) {
        return bundle == null ? "not installed" : "id " + bundle.getBundleId() + " version "
                + bundle.getVersion() + " state " + bundle.getState();
    }

    /** Removes the jars, waits for FileInstall to handle that, and stops the watcher. */
    @Override
    public void close() throws Exception {
        try (Stream<Path> jars = Files.list(dir)) {
            for (Path jar : jars.toList()) {
                Files.delete(jar);
            }
        }
        // Two polls of the watcher, so it sees the folder empty before it stops.
        Thread.sleep(2_500);
        watcher.delete();
        Files.deleteIfExists(dir);
    }
}
