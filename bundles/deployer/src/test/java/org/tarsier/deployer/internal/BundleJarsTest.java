package org.tarsier.deployer.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BundleJarsTest {

    @TempDir
    Path dir;

    private Path jar(String name, String symbolicName) throws IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        if (symbolicName != null) {
            manifest.getMainAttributes().putValue("Bundle-SymbolicName", symbolicName);
        }
        Path jar = dir.resolve(name);
        try (OutputStream out = Files.newOutputStream(jar);
                JarOutputStream zip = new JarOutputStream(out, manifest)) {
            zip.flush();
        }
        return jar;
    }

    @Test
    void symbolicNameWithoutDirectives() throws IOException {
        Path jar = jar("probe.jar", "org.tarsier.probe.process;singleton:=true");

        assertEquals("org.tarsier.probe.process", BundleJars.symbolicName(jar.toFile()));
    }

    @Test
    void jarWithoutSymbolicName() throws IOException {
        Path jar = jar("plain.jar", null);

        assertNull(BundleJars.symbolicName(jar.toFile()));
    }

    @Test
    void notAJar() throws IOException {
        Path text = Files.writeString(dir.resolve("x.jar"), "not a zip");

        assertNull(BundleJars.symbolicName(text.toFile()));
    }

    @Test
    void otherExtensionIgnored() throws IOException {
        Path jar = jar("probe.cfg", "org.tarsier.probe.process");

        assertNull(BundleJars.symbolicName(jar.toFile()));
    }
}
