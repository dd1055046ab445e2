package org.tarsier.detector.iforest.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.InvalidClassException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Saves one model file per image in a folder and loads them back. A file is named after the
 * URL-encoded image with the suffix {@code .model} and contains a Java-serialized
 * {@link TrainedModel}; writes go to a temporary file that is then moved over the old one, so a
 * crash leaves either the old or the new model.
 *
 * <p>Loading accepts only the classes of Tribuo, OLCUT, libsvm, this bundle and the JDK, so a
 * file planted in the folder cannot instantiate arbitrary classes on the class path.
 */
final class ModelStore {

    static final String SUFFIX = ".model";

    private static final ObjectInputFilter FILTER = ObjectInputFilter.Config.createFilter(
            "maxdepth=64;maxrefs=10000000;org.tribuo.**;com.oracle.labs.mlrg.olcut.**;libsvm.*;"
                    + "org.tarsier.detector.iforest.internal.*;java.**;!*");

    private final Path dir;

    ModelStore(Path dir) {
        this.dir = dir;
    }

    Path dir() {
        return dir;
    }

    /** Returns the file of the model of {@code image}. */
    Path file(String image) {
        return dir.resolve(URLEncoder.encode(image, StandardCharsets.UTF_8) + SUFFIX);
    }

    /** Writes the model, replacing the image's previous one. */
    void save(TrainedModel model) throws IOException {
        Files.createDirectories(dir);
        Path target = file(model.image());
        Path temporary = Files.createTempFile(dir, ".saving-", SUFFIX);
        try {
            try (OutputStream out = Files.newOutputStream(temporary);
                    ObjectOutputStream objects = new ObjectOutputStream(out)) {
                objects.writeObject(model);
            }
            Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    /** Reads one model file. */
    TrainedModel load(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file);
                ObjectInputStream objects = new BundleObjectInputStream(in)) {
            objects.setObjectInputFilter(FILTER);
            if (objects.readObject() instanceof TrainedModel model) {
                return model;
            }
            throw new IOException(file + " does not contain a Tarsier model");
        } catch (ClassNotFoundException | ClassCastException e) {
            throw new IOException("cannot read model file " + file + ": " + e.getMessage(), e);
        }
    }

    /** Returns the model files of the folder, or none when the folder does not exist. */
    List<Path> files() throws IOException {
        List<Path> files = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return files;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
            for (Path entry : entries) {
                if (!entry.getFileName().toString().startsWith(".")) {
                    files.add(entry);
                }
            }
        }
        files.sort(null);
        return files;
    }

    /** Returns the image whose model {@code file} holds, from the file name. */
    static String imageOf(Path file) {
        String name = file.getFileName().toString();
        return URLDecoder.decode(name.substring(0, name.length() - SUFFIX.length()),
                StandardCharsets.UTF_8);
    }

    /**
     * Resolves classes through this bundle's class loader, which holds the embedded Tribuo
     * classes; the default would use the caller's loader, which in OSGi may not see them.
     */
    private static final class BundleObjectInputStream extends ObjectInputStream {

        BundleObjectInputStream(InputStream in) throws IOException {
            super(in);
        }

        @Override
        protected Class<?> resolveClass(ObjectStreamClass description)
                throws IOException, ClassNotFoundException {
            try {
                return Class.forName(description.getName(), false,
                        ModelStore.class.getClassLoader());
            } catch (ClassNotFoundException e) {
                Class<?> primitive = primitive(description.getName());
                if (primitive != null) {
                    return primitive;
                }
                throw new InvalidClassException(description.getName(), "class not found");
            }
        }

        private static Class<?> primitive(String name) {
            return switch (name) {
                case "int" -> int.class;
                case "long" -> long.class;
                case "double" -> double.class;
                case "float" -> float.class;
                case "boolean" -> boolean.class;
                case "byte" -> byte.class;
                case "short" -> short.class;
                case "char" -> char.class;
                default -> null;
            };
        }
    }
}
