package com.gds.alerting.collectors.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;

/**
 * Where a secret is kept: an environment variable or a file. The value is read when needed
 * (so a rotated file is picked up at the next connect) and never appears in {@link #toString()},
 * logs or error messages; only where it comes from does.
 */
public final class SecretRef {

    private final String envName;
    private final Path file;
    private final Function<String, String> env;

    private SecretRef(String envName, Path file, Function<String, String> env) {
        this.envName = envName;
        this.file = file;
        this.env = env;
    }

    /** A secret held in the environment variable {@code name}. */
    public static SecretRef env(String name, Function<String, String> env) {
        return new SecretRef(name, null, env);
    }

    /** A secret held in a file (trailing newlines ignored), e.g. a mounted Kubernetes secret. */
    public static SecretRef file(Path file) {
        return new SecretRef(null, file, null);
    }

    /** The secret's value; an {@link IllegalStateException} naming its source if it cannot be read. */
    public String value() {
        if (envName != null) {
            String v = env.apply(envName);
            if (v == null) {
                throw new IllegalStateException("environment variable " + envName + " is not set");
            }
            return v;
        }
        try {
            return Files.readString(file, StandardCharsets.UTF_8).stripTrailing();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read secret file " + file + " (" + e.getClass().getSimpleName() + ")");
        }
    }

    /** Where the secret comes from, never its value. */
    @Override
    public String toString() {
        return envName != null ? "env:" + envName : "file:" + file;
    }
}
