package com.gds.alerting.config;

/**
 * A text that {@link Durations} refused. The message names the value and says what is accepted,
 * so a caller can prefix it with where the value came from (a key, a flag) and show it as is.
 */
public final class InvalidDurationException extends IllegalArgumentException {

    private final String value;

    InvalidDurationException(String value, String problem) {
        super("'" + value + "' " + problem);
        this.value = value;
    }

    /** The text as it was given. */
    public String value() {
        return value;
    }
}
