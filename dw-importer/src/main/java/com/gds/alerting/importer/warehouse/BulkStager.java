package com.gds.alerting.importer.warehouse;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * Fills a (session-local, already emptied) staging table with rows, by the fastest path the
 * warehouse offers. Rows hold, in {@link TableSpec#stagedColumns()} order, {@code Long} (BIGINT
 * and TIMESTAMP as epoch millis), {@code Integer}, {@code Double}, {@code String} (VARCHAR and
 * JSON text) or null.
 */
public interface BulkStager {

    /** Writes {@code rows} into {@code table}'s staging table on {@code connection}, inside the caller's transaction. */
    void stage(Connection connection, TableSpec table, List<Object[]> rows) throws SQLException;
}
