package com.gds.alerting.importer.warehouse;

/**
 * The warehouse did not take a batch (down, unreachable, refused the statement). Nothing of the
 * batch is committed; the caller retries with backoff and commits no offsets meanwhile. The
 * message names the warehouse and the SQL state, never a credential.
 */
public class WarehouseUnavailableException extends Exception {

    private static final long serialVersionUID = 1L;

    public WarehouseUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
