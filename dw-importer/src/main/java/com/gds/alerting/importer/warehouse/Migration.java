package com.gds.alerting.importer.warehouse;

import java.util.List;
import java.util.function.Function;

/**
 * One versioned, forward-only schema change, generated per dialect.
 *
 * @param version     1, 2, 3, ... never reused, never edited once released
 * @param description what it does, recorded in the version table
 * @param statements  its statements for a dialect
 */
public record Migration(int version, String description, Function<SqlDialect, List<String>> statements) {
}
