package org.tarsier.webconsole.internal;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Authorization header values that passed the password check, so that the many requests of one
 * page do not each pay for 600,000 PBKDF2 iterations.
 *
 * <p>Only an HMAC-SHA256 of each value is kept, under a random key that lives in memory only.
 * The set contains at most 32 values and is emptied when full or when the login configuration
 * changes; a wrong password is never cached, so each guess still costs a full hash.
 */
final class VerifiedCredentials {

    private static final int MAX_ENTRIES = 32;

    private final SecretKeySpec key;
    private final Set<String> digests = ConcurrentHashMap.newKeySet();

    VerifiedCredentials() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        key = new SecretKeySpec(bytes, "HmacSHA256");
    }

    boolean contains(String header) {
        return digests.contains(digest(header));
    }

    void add(String header) {
        if (digests.size() >= MAX_ENTRIES) {
            digests.clear();
        }
        digests.add(digest(header));
    }

    private String digest(String header) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            byte[] value = mac.doFinal(header.getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(value);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }
}
