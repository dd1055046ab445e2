/*
 * Sets the Tarsier web console password: writes its salted hash into the web console's
 * configuration file, which the running agent reloads.
 *
 * Usage (JDK 25 source launcher, no dependencies):
 *   java runtime/bin/WebConsolePassword.java CONFIG-FILE
 *
 * On a terminal the password is read twice without echo; otherwise one line is read from
 * standard input. Passwords shorter than 8 characters are rejected. The file gets the line
 * "password.hash = pbkdf2-sha256$ITERATIONS$SALT$HASH" (PBKDF2-HMAC-SHA256, 600000 iterations,
 * 16 random bytes of salt, standard Base64), replacing any earlier password.hash line and
 * keeping the other lines. The file is replaced atomically and left with mode 0600.
 *
 * Exit status: 0 when the file was written, 1 when the password was rejected or the file could
 * not be written, 64 on a usage error.
 *
 * org.tarsier.webconsole.internal.PasswordHash in the webconsole bundle reads this form.
 */

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/** Hashes a password read from the terminal or standard input into the configuration file. */
public final class WebConsolePassword {

    static final String PROPERTY = "password.hash";
    static final int ITERATIONS = 600_000;
    static final int MIN_LENGTH = 8;

    private WebConsolePassword() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: java WebConsolePassword.java CONFIG-FILE");
            System.exit(64);
        }
        char[] password = readPassword();
        if (password == null) {
            System.exit(1);
        }
        String line = PROPERTY + " = " + hash(password);
        Arrays.fill(password, '\0');
        Path file = Path.of(args[0]).toAbsolutePath();
        writeProperty(file, line);
        System.err.println("web console password hash written to " + file
                + "; the running agent reads it within a few seconds");
    }

    /** Returns the password, or null after printing why it was rejected. */
    private static char[] readPassword() throws IOException {
        Console console = System.console();
        char[] password;
        if (console != null && console.isTerminal()) {
            password = console.readPassword("New web console password: ");
            char[] again = console.readPassword("Repeat the password: ");
            if (password == null || again == null || !Arrays.equals(password, again)) {
                System.err.println("password rejected: the two entries differ");
                return null;
            }
            Arrays.fill(again, '\0');
        } else {
            BufferedReader in = new BufferedReader(
                    new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String line = in.readLine();
            password = line == null ? new char[0] : line.toCharArray();
        }
        if (password.length < MIN_LENGTH) {
            System.err.println("password rejected: it must have at least " + MIN_LENGTH
                    + " characters");
            return null;
        }
        return password;
    }

    private static String hash(char[] password) {
        byte[] salt = new byte[16];
        new SecureRandom().nextBytes(salt);
        PBEKeySpec spec = new PBEKeySpec(password, salt, ITERATIONS, 256);
        try {
            byte[] derived = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
                    .generateSecret(spec).getEncoded();
            Base64.Encoder base64 = Base64.getEncoder();
            return "pbkdf2-sha256$" + ITERATIONS + "$" + base64.encodeToString(salt) + "$"
                    + base64.encodeToString(derived);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA256 is not available", e);
        } finally {
            spec.clearPassword();
        }
    }

    private static void writeProperty(Path file, String propertyLine) throws IOException {
        List<String> lines = new ArrayList<>();
        if (Files.exists(file)) {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (!line.strip().startsWith(PROPERTY)) {
                    lines.add(line);
                }
            }
        }
        lines.add(propertyLine);
        FileAttribute<?> ownerOnly =
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));
        Path temporary = Files.createTempFile(file.getParent(), ".webconsole", ".tmp", ownerOnly);
        try {
            Files.write(temporary, lines, StandardCharsets.UTF_8);
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }
}
