package org.tarsier.webconsole.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

import jakarta.servlet.http.HttpSession;

/**
 * Per-session token against cross-site request forgery: each form carries the session's token,
 * and a POST whose token differs is rejected before it acts.
 */
final class CsrfToken {

    static final String SESSION_ATTRIBUTE = CsrfToken.class.getName();
    private static final SecureRandom RANDOM = new SecureRandom();

    private CsrfToken() {
    }

    /** Returns the session's token, creating a random 256-bit one on first use. */
    static String of(HttpSession session) {
        synchronized (session) {
            Object existing = session.getAttribute(SESSION_ATTRIBUTE);
            if (existing instanceof String token) {
                return token;
            }
            byte[] bytes = new byte[32];
            RANDOM.nextBytes(bytes);
            String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
            session.setAttribute(SESSION_ATTRIBUTE, token);
            return token;
        }
    }

    /**
     * Returns true if the session exists, has a token and the submitted value equals it; the
     * comparison takes constant time.
     */
    static boolean matches(HttpSession session, String submitted) {
        if (session == null || submitted == null) {
            return false;
        }
        if (!(session.getAttribute(SESSION_ATTRIBUTE) instanceof String token)) {
            return false;
        }
        return MessageDigest.isEqual(token.getBytes(StandardCharsets.UTF_8),
                submitted.getBytes(StandardCharsets.UTF_8));
    }
}
