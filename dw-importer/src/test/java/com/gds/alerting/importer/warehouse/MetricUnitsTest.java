package com.gds.alerting.importer.warehouse;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MetricUnitsTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(nullValues = "null", value = {
            "up, boolean",
            "replication_lag_seconds, seconds",
            "collection_duration_ms, milliseconds",
            "connections_used_ratio, ratio",
            "xact_commit_total, count",
            "database_size_bytes, bytes",
            "locks, null"})
    void unitComesFromTheNameSuffix(String metric, String unit) {
        assertEquals(unit, MetricUnits.of(metric));
    }
}
