package com.gds.alerting.importer.warehouse;

/**
 * The portable column types of the star schema. Each {@link SqlDialect} names them in its own
 * SQL; staging tables hold {@link #TIMESTAMP} as epoch milliseconds and {@link #JSON} as text, so
 * every bulk path (appender, CSV COPY, staged files) only ever writes numbers and strings.
 */
public enum ColumnType {
    BIGINT,
    INTEGER,
    DOUBLE,
    VARCHAR,
    /** UTC, millisecond precision, no time zone in the column. Staged as epoch millis. */
    TIMESTAMP,
    /** A JSON object. Staged as its text. */
    JSON;

    /** The type this column has in a staging table. */
    public ColumnType staged() {
        return switch (this) {
            case TIMESTAMP -> BIGINT;
            case JSON -> VARCHAR;
            default -> this;
        };
    }
}
