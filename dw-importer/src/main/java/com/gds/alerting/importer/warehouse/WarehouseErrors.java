package com.gds.alerting.importer.warehouse;

import java.sql.SQLException;
import java.util.List;

/**
 * Tells a warehouse that refused a batch's <em>data</em> (the rows are at fault: dead-letter them)
 * from one that could not take it (an outage: pause and retry). Only refusals we are sure of are
 * data: SQL state class 22 (data exception, e.g. a timestamp out of range) or 23 (integrity
 * constraint), and DuckDB's own error kinds for the same, which carry no SQL state. Everything
 * else — connection loss, timeouts, lock conflicts, privileges, a full disk — is an outage, since
 * dead-lettering good records for it would lose them.
 */
public final class WarehouseErrors {

    private static final List<String> DUCKDB_DATA_ERRORS = List.of("Conversion Error", "Invalid Input Error",
            "Constraint Error", "Out of Range Error");

    private WarehouseErrors() {
    }

    /** True when {@code e} (or an exception chained to it) says the rows themselves were refused. */
    public static boolean isDataRefusal(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException sql) {
                String state = sql.getSQLState();
                if (state != null && (state.startsWith("22") || state.startsWith("23"))) {
                    return true;
                }
                String message = sql.getMessage();
                if (state == null && message != null && DUCKDB_DATA_ERRORS.stream().anyMatch(message::startsWith)) {
                    return true;
                }
            }
        }
        return false;
    }
}
