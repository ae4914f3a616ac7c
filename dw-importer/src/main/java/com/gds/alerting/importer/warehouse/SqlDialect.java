package com.gds.alerting.importer.warehouse;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Everything that differs between warehouses, and the SQL generated from {@link TableSpec}s on
 * top of it. Subclasses only name types and functions and choose a bulk path; every statement
 * (DDL, staging, merge, purge) is built here, once, so the three targets cannot drift apart.
 */
public abstract class SqlDialect {

    private static final DateTimeFormatter LITERAL = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS");

    /** How rows whose key already exists are left alone in a fact table. */
    public enum FactLoad {
        /** {@code MERGE ... WHEN NOT MATCHED THEN INSERT}: needs no enforced key (Snowflake). */
        MERGE,
        /** {@code INSERT ... ON CONFLICT (key) DO NOTHING}: uses the primary-key index (PostgreSQL, DuckDB). */
        ON_CONFLICT
    }

    /** Short name for logs and errors. */
    public abstract String name();

    /** This warehouse's name for a portable type. */
    public abstract String typeName(ColumnType type);

    /** An expression turning epoch milliseconds ({@code expr}, a BIGINT) into a TIMESTAMP. */
    public abstract String fromEpochMillis(String expr);

    /** An expression turning JSON text into this warehouse's JSON type. */
    public abstract String parseJson(String expr);

    /** The keyword that makes a session-local table. */
    protected abstract String temporaryKeyword();

    /** How fact tables are loaded. */
    public abstract FactLoad factLoad();

    /** The bulk path that fills staging tables. */
    public abstract BulkStager stager();

    /** Statement that empties a staging table inside the batch transaction. */
    public String clearStaging(TableSpec table) {
        return "DELETE FROM " + table.stagingName();
    }

    /**
     * A statement, run first in the migration transaction, that keeps two importers starting
     * together from migrating at once; null when the warehouse needs none.
     */
    public String lockForMigration(String versionTable) {
        return null;
    }

    /** A TIMESTAMP literal for an instant (UTC). */
    public String timestampLiteral(Instant instant) {
        return "CAST('" + LITERAL.format(LocalDateTime.ofInstant(instant, ZoneOffset.UTC)) + "' AS "
                + typeName(ColumnType.TIMESTAMP) + ")";
    }

    /**
     * Whether fact tables declare their natural key as a primary key. A warehouse that loads
     * facts by MERGE may leave it out when maintaining the index costs more than it protects.
     */
    protected boolean declaresFactKey() {
        return true;
    }

    /** {@code CREATE TABLE IF NOT EXISTS} with a primary key on the natural key. */
    public String createTable(TableSpec table) {
        String columns = table.columns().stream()
                .map(c -> c.name() + " " + typeName(c.type()) + (c.nullable() ? "" : " NOT NULL"))
                .collect(Collectors.joining(", "));
        String key = table.upsert() || declaresFactKey()
                ? ", PRIMARY KEY (" + names(table.keyColumns(), "") + ")" : "";
        return "CREATE TABLE IF NOT EXISTS " + table.name() + " (" + columns + key + ")";
    }

    /** The session-local staging table of {@code table}: staged types, no constraints. */
    public String createStagingTable(TableSpec table) {
        String columns = table.stagedColumns().stream()
                .map(c -> c.name() + " " + typeName(c.type().staged()))
                .collect(Collectors.joining(", "));
        return "CREATE " + temporaryKeyword() + " TABLE IF NOT EXISTS " + table.stagingName() + " (" + columns + ")";
    }

    /**
     * The statement that moves the staging table into {@code table}: facts keep the first row of
     * each key, dimensions merge by their columns' rules.
     */
    public String mergeFromStaging(TableSpec table, Instant loadTime) {
        if (!table.upsert() && factLoad() == FactLoad.ON_CONFLICT) {
            return "INSERT INTO " + table.name() + " (" + names(table.columns(), "") + ") "
                    + sourceQuery(table, loadTime) + " ON CONFLICT (" + names(table.keyColumns(), "")
                    + ") DO NOTHING";
        }
        StringBuilder sql = new StringBuilder()
                .append("MERGE INTO ").append(table.name()).append(" t USING (")
                .append(sourceQuery(table, loadTime)).append(") s ON ")
                .append(table.keyColumns().stream().map(c -> "t." + c.name() + " = s." + c.name())
                        .collect(Collectors.joining(" AND ")));
        List<Column> updated = table.columns().stream()
                .filter(c -> c.rule() != MergeRule.KEY && c.rule() != MergeRule.KEEP).toList();
        if (table.upsert() && !updated.isEmpty()) {
            sql.append(" WHEN MATCHED THEN UPDATE SET ")
                    .append(updated.stream().map(c -> c.name() + " = " + mergedValue(c)).collect(Collectors.joining(", ")));
        }
        sql.append(" WHEN NOT MATCHED THEN INSERT (").append(names(table.columns(), ""))
                .append(") VALUES (").append(names(table.columns(), "s.")).append(")");
        return sql.toString();
    }

    /** {@code DELETE} of the rows of {@code target} older than {@code cutoff}. */
    public String purge(StarSchema.PurgeTarget target, Instant cutoff) {
        return "DELETE FROM " + target.table().name() + " WHERE " + target.timeColumn() + " < " + timestampLiteral(cutoff);
    }

    private String mergedValue(Column c) {
        return switch (c.rule()) {
            // Snowflake's LEAST/GREATEST return NULL when either side is; first/last seen are never null.
            case MIN -> "LEAST(t." + c.name() + ", s." + c.name() + ")";
            case MAX -> "GREATEST(t." + c.name() + ", s." + c.name() + ")";
            case LATEST_NON_NULL -> "COALESCE(s." + c.name() + ", t." + c.name() + ")";
            default -> throw new IllegalArgumentException(c.rule() + " is not an update rule");
        };
    }

    /** {@code SELECT} of the staging table with every column converted to its target type. */
    private String sourceQuery(TableSpec table, Instant loadTime) {
        String select = table.columns().stream().map(c -> {
            if (c.loadTime()) {
                return timestampLiteral(loadTime) + " AS " + c.name();
            }
            return switch (c.type()) {
                case TIMESTAMP -> fromEpochMillis(c.name()) + " AS " + c.name();
                case JSON -> parseJson(c.name()) + " AS " + c.name();
                default -> c.name();
            };
        }).collect(Collectors.joining(", "));
        return "SELECT " + select + " FROM " + table.stagingName();
    }

    private static String names(List<Column> columns, String prefix) {
        return columns.stream().map(c -> prefix + c.name()).collect(Collectors.joining(", "));
    }

    @Override
    public String toString() {
        return name();
    }
}
