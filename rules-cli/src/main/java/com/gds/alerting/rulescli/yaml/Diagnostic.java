package com.gds.alerting.rulescli.yaml;

/**
 * One problem found in a file: where, how bad, and what to do about it.
 *
 * @param location where the problem is
 * @param level    {@link Level#ERROR} blocks publishing; {@link Level#WARNING} does not (unless --strict)
 * @param message  what is wrong and what would fix it
 */
public record Diagnostic(Location location, Level level, String message) {

    /** How bad a diagnostic is. */
    public enum Level { ERROR, WARNING }

    @Override
    public String toString() {
        return location + ": " + level.name().toLowerCase(java.util.Locale.ROOT) + ": " + message;
    }
}
