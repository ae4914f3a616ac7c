package com.gds.alerting.importer.consume;

import java.time.Duration;

/**
 * When a batch is flushed: at {@code maxRecords} records, at {@code maxBytes} bytes of keys and
 * values, or {@code maxWait} after its first record arrived, whichever comes first. A poll may
 * overshoot the count and byte limits by up to one poll's records.
 */
public record BatchPolicy(int maxRecords, long maxBytes, Duration maxWait) {

    public BatchPolicy {
        if (maxRecords < 1) {
            throw new IllegalArgumentException("maxRecords must be at least 1, got " + maxRecords);
        }
        if (maxBytes < 1) {
            throw new IllegalArgumentException("maxBytes must be at least 1, got " + maxBytes);
        }
        if (maxWait.isNegative() || maxWait.isZero()) {
            throw new IllegalArgumentException("maxWait must be positive, got " + maxWait);
        }
    }
}
