package org.tarsier.webconsole.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.annotation.Annotation;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class LoginSettingsTest {

    @Test
    void emptyHashLocksConsole() {
        List<InvalidProperty> invalid = new ArrayList<>();

        LoginSettings settings = LoginSettings.parse(config("admin", ""), invalid);

        assertTrue(settings.locked());
        assertEquals(List.of(), invalid);
    }

    @Test
    void validHashUnlocksConsole() {
        String hash = PasswordHash.create("long enough".toCharArray(),
                PasswordHash.MIN_ITERATIONS).format();
        List<InvalidProperty> invalid = new ArrayList<>();

        LoginSettings settings = LoginSettings.parse(config("ops", hash), invalid);

        assertFalse(settings.locked());
        assertEquals("ops", settings.username());
        assertTrue(settings.passwordHash().matches("long enough".toCharArray()));
    }

    @Test
    void plainPasswordRejectedWithoutLoggingIt() {
        List<InvalidProperty> invalid = new ArrayList<>();

        LoginSettings settings = LoginSettings.parse(config("admin", "admin"), invalid);

        assertNull(settings);
        assertEquals(1, invalid.size());
        assertEquals("password.hash", invalid.get(0).property());
        String message = invalid.get(0).message("previous");
        assertFalse(message.contains("'admin'"), message);
        assertTrue(message.contains(LoginProvider.PID), message);
    }

    @Test
    void usernameWithColonRejected() {
        List<InvalidProperty> invalid = new ArrayList<>();

        LoginSettings settings = LoginSettings.parse(config("a:b", ""), invalid);

        assertNull(settings);
        assertEquals("username", invalid.get(0).property());
    }

    private static LoginProvider.Config config(String username, String passwordHash) {
        return new LoginProvider.Config() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return LoginProvider.Config.class;
            }

            @Override
            public String username() {
                return username;
            }

            @Override
            public String password_hash() {
                return passwordHash;
            }
        };
    }
}
