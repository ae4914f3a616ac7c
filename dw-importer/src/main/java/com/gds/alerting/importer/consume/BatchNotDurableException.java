package com.gds.alerting.importer.consume;

/**
 * A batch could not be made durable (warehouse, dead-letter topic or schema registry
 * unavailable). Retryable: the importer backs off, consumes nothing more, and commits nothing.
 */
public class BatchNotDurableException extends Exception {

    private static final long serialVersionUID = 1L;

    public BatchNotDurableException(String message, Throwable cause) {
        super(message, cause);
    }
}
