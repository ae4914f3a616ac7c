package com.gds.alerting.collectors.config;

import java.util.Objects;

/**
 * A user name and, by reference, its password. {@link #toString()} never shows the password.
 *
 * @param username the database user
 * @param password where the password is kept, or null for none (e.g. trust or certificate auth)
 */
public record Credentials(String username, SecretRef password) {

    public Credentials {
        Objects.requireNonNull(username, "username");
    }

    /** The password, read now from its source; null when there is none. */
    public String passwordValue() {
        return password == null ? null : password.value();
    }

    @Override
    public String toString() {
        return "Credentials[username=" + username + ", password=" + (password == null ? "none" : "from " + password) + "]";
    }
}
