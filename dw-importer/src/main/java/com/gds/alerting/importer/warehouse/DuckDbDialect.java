package com.gds.alerting.importer.warehouse;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

/**
 * DuckDB (≥ 1.4 for {@code MERGE INTO}), the embedded default: staging through DuckDB's
 * in-process appender, facts by {@code INSERT ... ON CONFLICT DO NOTHING} on the primary key,
 * dimensions by {@code MERGE}.
 */
public final class DuckDbDialect extends SqlDialect {

    private final FactLoad factLoad;

    /** The default: facts by ON CONFLICT on the primary key. */
    public DuckDbDialect() {
        this(FactLoad.ON_CONFLICT);
    }

    /**
     * @param factLoad how facts are loaded; {@link FactLoad#MERGE} runs the statement shape
     *                 Snowflake uses, which lets it be tested against a real database here
     */
    public DuckDbDialect(FactLoad factLoad) {
        this.factLoad = factLoad;
    }

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
    public FactLoad factLoad() {
        return factLoad;
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
