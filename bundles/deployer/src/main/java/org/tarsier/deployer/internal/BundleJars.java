package org.tarsier.deployer.internal;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Enumeration;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import org.osgi.framework.Bundle;
import org.osgi.framework.Constants;

/** Reads bundle identities from jar files and writes an installed bundle's content to a jar. */
final class BundleJars {

    private static final String MANIFEST = JarFile.MANIFEST_NAME;

    private BundleJars() {
    }

    /**
     * Returns the {@code Bundle-SymbolicName} of a jar without its directives, or {@code null}
     * when the file is not a readable jar or has no such header.
     */
    static String symbolicName(File file) {
        if (!file.isFile() || !file.getName().endsWith(".jar")) {
            return null;
        }
        try (JarFile jar = new JarFile(file)) {
            Manifest manifest = jar.getManifest();
            if (manifest == null) {
                return null;
            }
            return headerValue(manifest.getMainAttributes());
        } catch (IOException e) {
            return null;
        }
    }

    /** Returns the location FileInstall gives the bundle it installs from {@code file}. */
    static String location(File file) {
        return file.toURI().normalize().toString();
    }

    /**
     * Writes the entries of an installed bundle's current revision to a jar, manifest first, so
     * that the bundle can be restored from it later. Fragment content is not included.
     */
    static void copyContent(Bundle bundle, Path target) throws IOException {
        Path partial = target.resolveSibling(target.getFileName() + ".part");
        try (OutputStream file = Files.newOutputStream(partial);
                ZipOutputStream zip = new ZipOutputStream(file)) {
            URL manifest = bundle.getEntry(MANIFEST);
            if (manifest == null) {
                throw new IOException("bundle " + bundle.getSymbolicName() + " ("
                        + bundle.getBundleId() + ") has no " + MANIFEST);
            }
            zip.putNextEntry(new ZipEntry("META-INF/"));
            zip.closeEntry();
            writeEntry(zip, MANIFEST, manifest);
            Deque<String> folders = new ArrayDeque<>();
            folders.push("/");
            while (!folders.isEmpty()) {
                copyFolder(bundle, zip, folders.pop(), folders);
            }
        }
        Files.move(partial, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    private static void copyFolder(Bundle bundle, ZipOutputStream zip, String folder,
            Deque<String> folders) throws IOException {
        Enumeration<String> paths = bundle.getEntryPaths(folder);
        if (paths == null) {
            return;
        }
        while (paths.hasMoreElements()) {
            String path = paths.nextElement();
            if (path.endsWith("/")) {
                if (!path.equals("META-INF/")) {
                    zip.putNextEntry(new ZipEntry(path));
                    zip.closeEntry();
                }
                folders.push(path);
            } else if (!path.equals(MANIFEST)) {
                writeEntry(zip, path, bundle.getEntry(path));
            }
        }
    }

    private static void writeEntry(ZipOutputStream zip, String path, URL url)
            throws IOException {
        zip.putNextEntry(new ZipEntry(path));
        try (InputStream in = url.openStream()) {
            in.transferTo(zip);
        }
        zip.closeEntry();
    }

    private static String headerValue(Attributes attributes) {
        String value = attributes.getValue(Constants.BUNDLE_SYMBOLICNAME);
        if (value == null) {
            return null;
        }
        int directives = value.indexOf(';');
        return (directives < 0 ? value : value.substring(0, directives)).trim();
    }
}
