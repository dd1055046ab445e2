package org.tarsier.webconsole.internal;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * A salted PBKDF2-HMAC-SHA256 password hash in the form
 * {@code pbkdf2-sha256$ITERATIONS$SALT$HASH}, with salt and hash in standard Base64.
 *
 * <p>runtime/bin/WebConsolePassword.java writes the same form; a test checks that this class
 * accepts what it writes.
 *
 * @param iterations PBKDF2 iteration count
 * @param salt random salt
 * @param hash derived key, 32 bytes
 */
public record PasswordHash(int iterations, byte[] salt, byte[] hash) {

    static final String SCHEME = "pbkdf2-sha256";
    /** OWASP's Password Storage Cheat Sheet (2023) value for PBKDF2-HMAC-SHA256. */
    static final int DEFAULT_ITERATIONS = 600_000;
    static final int MIN_ITERATIONS = 10_000;
    private static final int SALT_BYTES = 16;
    private static final int HASH_BITS = 256;

    /** Returns a hash of the password with a new random salt. */
    public static PasswordHash create(char[] password, int iterations) {
        byte[] salt = new byte[SALT_BYTES];
        new SecureRandom().nextBytes(salt);
        return new PasswordHash(iterations, salt, derive(password, salt, iterations));
    }

    /**
     * Parses the stored form.
     *
     * @throws IllegalArgumentException if the text is not {@code pbkdf2-sha256$N$SALT$HASH} with
     *     N of at least 10000, a non-empty salt and a 32-byte hash
     */
    public static PasswordHash parse(String text) {
        String[] parts = text.strip().split("\\$", -1);
        if (parts.length != 4 || !parts[0].equals(SCHEME)) {
            throw new IllegalArgumentException(
                    "not of the form " + SCHEME + "$ITERATIONS$SALT$HASH");
        }
        int iterations;
        byte[] salt;
        byte[] hash;
        try {
            iterations = Integer.parseInt(parts[1]);
            salt = Base64.getDecoder().decode(parts[2]);
            hash = Base64.getDecoder().decode(parts[3]);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid number or Base64: " + e.getMessage(), e);
        }
        if (iterations < MIN_ITERATIONS) {
            throw new IllegalArgumentException("iterations " + iterations + " below "
                    + MIN_ITERATIONS);
        }
        if (salt.length == 0 || hash.length != HASH_BITS / 8) {
            throw new IllegalArgumentException("empty salt or a hash that is not 32 bytes");
        }
        return new PasswordHash(iterations, salt, hash);
    }

    /** Returns true if the password hashes to this value; the comparison takes constant time. */
    public boolean matches(char[] password) {
        if (password.length == 0) {
            return false;
        }
        return MessageDigest.isEqual(hash, derive(password, salt, iterations));
    }

    /** Returns the stored form, as {@link #parse} reads it. */
    public String format() {
        Base64.Encoder base64 = Base64.getEncoder();
        return SCHEME + "$" + iterations + "$" + base64.encodeToString(salt) + "$"
                + base64.encodeToString(hash);
    }

    @Override
    public String toString() {
        return SCHEME + " with " + iterations + " iterations";
    }

    private static byte[] derive(char[] password, byte[] salt, int iterations) {
        PBEKeySpec spec = new PBEKeySpec(password, salt, iterations, HASH_BITS);
        try {
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec)
                    .getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA256 is not available", e);
        } finally {
            spec.clearPassword();
        }
    }
}
