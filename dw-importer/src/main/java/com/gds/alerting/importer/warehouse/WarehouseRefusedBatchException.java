package com.gds.alerting.importer.warehouse;

/**
 * The warehouse answered and refused the batch's data (a value it cannot convert or store, a
 * constraint): retrying the same rows would fail forever. The caller isolates the refused record
 * and dead-letters it. It is a {@link WarehouseUnavailableException} so that a caller that does
 * not isolate still treats it as "nothing is durable", never as success.
 */
public class WarehouseRefusedBatchException extends WarehouseUnavailableException {

    private static final long serialVersionUID = 1L;

    public WarehouseRefusedBatchException(String message, Throwable cause) {
        super(message, cause);
    }
}
