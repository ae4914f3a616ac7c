package com.gds.alerting.importer.warehouse;

import java.util.List;
import java.util.Objects;

/**
 * A warehouse table: its columns in order and what kind of merge loads it. The SQL for every
 * target is generated from this description by a {@link SqlDialect}; there is no hand-written
 * SQL per target.
 *
 * @param name    table name
 * @param columns columns, key columns first by convention
 * @param upsert  true for dimensions (matched rows are updated by their {@link MergeRule}s);
 *                false for facts (a row whose key exists is left alone, so a replay is a no-op)
 */
public record TableSpec(String name, List<Column> columns, boolean upsert) {

    public TableSpec {
        Objects.requireNonNull(name, "name");
        columns = List.copyOf(columns);
        if (columns.stream().noneMatch(c -> c.rule() == MergeRule.KEY)) {
            throw new IllegalArgumentException("table " + name + " has no key column");
        }
    }

    /** The natural key. */
    public List<Column> keyColumns() {
        return columns.stream().filter(c -> c.rule() == MergeRule.KEY).toList();
    }

    /** The columns a staging row carries, in order: every column but the load time. */
    public List<Column> stagedColumns() {
        return columns.stream().filter(c -> !c.loadTime()).toList();
    }

    /** The staging table of this table. */
    public String stagingName() {
        return "stg_" + name;
    }

    /** A column by name. */
    public Column column(String columnName) {
        return columns.stream().filter(c -> c.name().equals(columnName)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("table " + name + " has no column " + columnName));
    }
}
