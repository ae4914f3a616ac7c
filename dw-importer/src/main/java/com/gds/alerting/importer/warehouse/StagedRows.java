package com.gds.alerting.importer.warehouse;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one batch loads: staging rows per table, in {@link StarSchema#TABLES} order.
 *
 * @param rows rows per table; tables without rows may be absent
 */
public record StagedRows(Map<TableSpec, List<Object[]>> rows) {

    public StagedRows {
        Map<TableSpec, List<Object[]>> ordered = new LinkedHashMap<>();
        for (TableSpec table : StarSchema.TABLES) {
            List<Object[]> tableRows = rows.get(table);
            if (tableRows != null && !tableRows.isEmpty()) {
                ordered.put(table, List.copyOf(tableRows));
            }
        }
        rows = java.util.Collections.unmodifiableMap(ordered);
    }

    /** Rows of one table (empty if none). */
    public List<Object[]> of(TableSpec table) {
        return rows.getOrDefault(table, List.of());
    }

    /** True when there is nothing to load. */
    public boolean isEmpty() {
        return rows.isEmpty();
    }
}
