package com.gds.alerting.avro.serde;

import org.apache.kafka.common.KafkaException;

/**
 * The schema registry refused a request or could not be reached. {@link #status()} is the HTTP
 * status (0 when there was no answer at all) and {@link #errorCode()} the Confluent error code
 * (40401 subject not found, 40403 schema not found, 409 incompatible, 42201 invalid schema, ...).
 */
public class SchemaRegistryException extends KafkaException {

    private static final long serialVersionUID = 1L;

    public static final int SUBJECT_NOT_FOUND = 40401;
    public static final int VERSION_NOT_FOUND = 40402;
    public static final int SCHEMA_NOT_FOUND = 40403;
    public static final int INCOMPATIBLE_SCHEMA = 409;
    public static final int INVALID_SCHEMA = 42201;

    private final int status;
    private final int errorCode;
    private final String location;

    public SchemaRegistryException(String location, int status, int errorCode, String message) {
        super(describe(location, status, errorCode, message));
        this.location = location;
        this.status = status;
        this.errorCode = errorCode;
    }

    private SchemaRegistryException(String location, String message, Throwable cause) {
        super("schema registry " + location + " is unreachable: " + message, cause);
        this.location = location;
        this.status = 0;
        this.errorCode = 0;
    }

    /** No answer from the registry at {@code location} (refused, unknown host, timeout, TLS). */
    public static SchemaRegistryException unreachable(String location, Throwable cause) {
        String why = cause.getMessage() == null ? cause.getClass().getSimpleName()
                : cause.getClass().getSimpleName() + ": " + cause.getMessage();
        return new SchemaRegistryException(location, why, cause);
    }

    public int status() {
        return status;
    }

    public int errorCode() {
        return errorCode;
    }

    public String location() {
        return location;
    }

    /** 404: the subject, version or schema id does not exist. */
    public boolean isNotFound() {
        return status == 404;
    }

    /** Worth retrying later: no answer, 408, 429 or a 5xx. */
    public boolean isRetryable() {
        return status == 0 || status == 408 || status == 429 || status >= 500;
    }

    private static String describe(String location, int status, int errorCode, String message) {
        return "schema registry " + location + " answered HTTP " + status
                + (errorCode > 0 ? " (error code " + errorCode + ")" : "") + ": " + message;
    }
}
