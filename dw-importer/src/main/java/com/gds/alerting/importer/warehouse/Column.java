package com.gds.alerting.importer.warehouse;

import java.util.Objects;

/**
 * One column of a warehouse table.
 *
 * @param name     lower-case SQL identifier
 * @param type     portable type
 * @param nullable whether it may be null
 * @param rule     what a merge does with it
 * @param loadTime true for the load-time column, which is set by the merge and never staged
 */
public record Column(String name, ColumnType type, boolean nullable, MergeRule rule, boolean loadTime) {

    public Column {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(rule, "rule");
        if (!name.matches("[a-z][a-z0-9_]*")) {
            throw new IllegalArgumentException("column name '" + name + "' is not a plain lower-case identifier");
        }
    }

    static Column key(String name, ColumnType type) {
        return new Column(name, type, false, MergeRule.KEY, false);
    }

    static Column required(String name, ColumnType type, MergeRule rule) {
        return new Column(name, type, false, rule, false);
    }

    static Column optional(String name, ColumnType type, MergeRule rule) {
        return new Column(name, type, true, rule, false);
    }

    static Column loadTime(String name) {
        return new Column(name, ColumnType.TIMESTAMP, false, MergeRule.KEEP, true);
    }
}
