package org.tarsier.webconsole.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PasswordHashTest {

    private static final int FAST = PasswordHash.MIN_ITERATIONS;

    @Test
    void matchesOnlyTheHashedPassword() {
        PasswordHash hash = PasswordHash.create("correct horse".toCharArray(), FAST);

        assertTrue(hash.matches("correct horse".toCharArray()));
        assertFalse(hash.matches("correct horsE".toCharArray()));
        assertFalse(hash.matches("admin".toCharArray()));
        assertFalse(hash.matches(new char[0]));
    }

    @Test
    void formatParsesBack() {
        PasswordHash hash = PasswordHash.create("correct horse".toCharArray(), FAST);

        PasswordHash parsed = PasswordHash.parse(hash.format());

        assertEquals(FAST, parsed.iterations());
        assertTrue(parsed.matches("correct horse".toCharArray()));
    }

    @Test
    void saltDiffersBetweenHashes() {
        String first = PasswordHash.create("same".toCharArray(), FAST).format();
        String second = PasswordHash.create("same".toCharArray(), FAST).format();

        assertNotEquals(first, second);
    }

    @Test
    void parseRejectsMalformedText() {
        String salt = "AAAAAAAAAAAAAAAAAAAAAA==";
        String hash32 = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
        for (String text : List.of("", "admin",
                "{sha-256}jGl25bVBBBW96Qi9Te4V37Fnqchz/Eu4qB9vKrRIqRg=",
                "pbkdf2-sha256$600000$" + salt,
                "pbkdf2-sha1$600000$" + salt + "$" + hash32,
                "pbkdf2-sha256$999$" + salt + "$" + hash32,
                "pbkdf2-sha256$many$" + salt + "$" + hash32,
                "pbkdf2-sha256$600000$$" + hash32,
                "pbkdf2-sha256$600000$" + salt + "$AAAA",
                "pbkdf2-sha256$600000$" + salt + "$not base64!")) {
            assertThrows(IllegalArgumentException.class, () -> PasswordHash.parse(text), text);
        }
    }

    /** The command that ./tarsier webconsole-passwd runs writes a hash this class accepts. */
    @Test
    void commandLineToolWritesAcceptedHash(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("org.tarsier.webconsole.cfg");
        Files.writeString(config, "username = admin\npassword.hash = old\n");

        Process tool = startTool(config);
        tool.getOutputStream().write("s3cret-for-test\n".getBytes(StandardCharsets.UTF_8));
        tool.getOutputStream().close();

        assertTrue(tool.waitFor(120, TimeUnit.SECONDS), "tool finished");
        assertEquals(0, tool.exitValue(), new String(tool.getErrorStream().readAllBytes()));
        List<String> lines = Files.readAllLines(config);
        assertEquals("username = admin", lines.get(0));
        assertEquals(2, lines.size(), lines.toString());
        String stored = lines.get(1).substring("password.hash = ".length());
        assertTrue(PasswordHash.parse(stored).matches("s3cret-for-test".toCharArray()));
        assertEquals("rw-------",
                PosixFilePermissions.toString(Files.getPosixFilePermissions(config)));
    }

    @Test
    void commandLineToolRejectsShortPassword(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("org.tarsier.webconsole.cfg");

        Process tool = startTool(config);
        tool.getOutputStream().write("admin\n".getBytes(StandardCharsets.UTF_8));
        tool.getOutputStream().close();

        assertTrue(tool.waitFor(120, TimeUnit.SECONDS), "tool finished");
        assertEquals(1, tool.exitValue());
        assertFalse(Files.exists(config));
    }

    private static Process startTool(Path config) throws IOException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        return new ProcessBuilder(java.toString(),
                System.getProperty("tarsier.webconsole.password.tool"), config.toString())
                .start();
    }
}
