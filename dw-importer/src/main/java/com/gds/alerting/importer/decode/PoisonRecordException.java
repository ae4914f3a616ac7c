package com.gds.alerting.importer.decode;

/**
 * A record that can never be loaded: undecodable, or missing a field the star schema needs. It
 * goes to the dead-letter topic with {@link #code()} and {@link #getMessage()} as the reason;
 * the rest of the batch loads.
 */
public class PoisonRecordException extends Exception {

    private static final long serialVersionUID = 1L;

    private final String code;

    /**
     * @param code    short machine-readable reason, e.g. {@code WRONG_MAGIC_BYTE}, {@code MISSING_FIELD}
     * @param message what is wrong and where
     */
    public PoisonRecordException(String code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    /** Short machine-readable reason. */
    public String code() {
        return code;
    }
}
