package org.tarsier.webconsole.internal;

import java.util.List;

/**
 * Validated login configuration of the web console.
 *
 * @param username the only user name accepted
 * @param passwordHash the password's hash, or null while no password is set
 */
record LoginSettings(String username, PasswordHash passwordHash) {

    static final LoginSettings LOCKED = new LoginSettings(LoginProvider.DEFAULT_USERNAME, null);

    /** Returns true while no password is set, so that every request is rejected. */
    boolean locked() {
        return passwordHash == null;
    }

    /**
     * Parses the configuration; returns null and adds to {@code invalid} when a value is
     * rejected.
     */
    static LoginSettings parse(LoginProvider.Config config, List<InvalidProperty> invalid) {
        String username = config.username() == null ? "" : config.username().strip();
        if (username.isEmpty() || username.contains(":")) {
            invalid.add(new InvalidProperty(LoginProvider.PID, "username", config.username(),
                    "a non-empty user name without ':'"));
        }
        String text = config.password_hash() == null ? "" : config.password_hash().strip();
        PasswordHash hash = null;
        if (!text.isEmpty()) {
            try {
                hash = PasswordHash.parse(text);
            } catch (IllegalArgumentException e) {
                // The value itself is a hash, not a password, but it is still not logged.
                invalid.add(new InvalidProperty(LoginProvider.PID, "password.hash",
                        "(" + text.length() + " characters)",
                        "empty or the output of ./tarsier webconsole-passwd ("
                                + e.getMessage() + ")"));
            }
        }
        return invalid.isEmpty() ? new LoginSettings(username, hash) : null;
    }

    @Override
    public String toString() {
        return "username=" + username + ", password "
                + (locked() ? "not set (console locked)" : "set (" + passwordHash + ")");
    }
}
