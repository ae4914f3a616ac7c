package com.gds.alerting.importer.warehouse;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

/**
 * DuckDB (≥ 1.4 for {@code MERGE INTO}), the embedded default: staging through DuckDB's
 * in-process appender, facts and dimensions by {@code MERGE} — the same statements Snowflake
 * gets, so they run for real in the tests here. Fact tables carry no primary-key index (see
 * {@link #declaresFactKey()}); DuckDB has a single writer, so the MERGE alone keeps them unique.
 */
public final class DuckDbDialect extends SqlDialect {

    @Override
    public String name() {
        return "duckdb";
    }

    @Override
    public String typeName(ColumnType type) {
        return switch (type) {
            case BIGINT -> "BIGINT";
            case INTEGER -> "INTEGER";
            case DOUBLE -> "DOUBLE";
            case VARCHAR -> "VARCHAR";
            case TIMESTAMP -> "TIMESTAMP";
            case JSON -> "JSON";
        };
    }

    @Override
    public String fromEpochMillis(String expr) {
        return "epoch_ms(" + expr + ")";
    }

    @Override
    public String parseJson(String expr) {
        return "CAST(" + expr + " AS JSON)";
    }

    @Override
    protected String temporaryKeyword() {
        return "TEMP";
    }

    @Override
    protected boolean declaresFactKey() {
        // Measured: keeping an ART index on fact_metric tripled merge and commit time; the MERGE's
        // join (with DuckDB's join-filter pushdown on ts) finds existing rows without it.
        return false;
    }

    @Override
    public FactLoad factLoad() {
        return FactLoad.MERGE;
    }

    @Override
    public BulkStager stager() {
        return DuckDbDialect::append;
    }

    private static void append(Connection connection, TableSpec table, List<Object[]> rows) throws SQLException {
        DuckDBConnection duck = connection.unwrap(DuckDBConnection.class);
        // Temporary tables live in DuckDB's "temp" catalog.
        try (DuckDBAppender appender = duck.createAppender("temp", "main", table.stagingName())) {
            for (Object[] row : rows) {
                appender.beginRow();
                for (Object value : row) {
                    if (value == null) {
                        appender.appendNull();
                    } else if (value instanceof Long l) {
                        appender.append(l.longValue());
                    } else if (value instanceof Integer i) {
                        appender.append(i.intValue());
                    } else if (value instanceof Double d) {
                        appender.append(d.doubleValue());
                    } else if (value instanceof String s) {
                        appender.append(s);
                    } else {
                        throw new IllegalArgumentException("cannot append a " + value.getClass().getName());
                    }
                }
                appender.endRow();
            }
            appender.flush();
        }
    }
}
