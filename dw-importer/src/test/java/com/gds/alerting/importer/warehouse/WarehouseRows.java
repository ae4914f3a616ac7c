package com.gds.alerting.importer.warehouse;

import java.util.List;
import java.util.Map;

import com.gds.alerting.importer.decode.AlertEventRow;
import com.gds.alerting.importer.decode.MetricRow;

/** Rows for warehouse tests. */
final class WarehouseRows {

    static final long T0 = 1_767_225_600_000L; // 2026-01-01T00:00:00Z

    private WarehouseRows() {
    }

    static MetricRow metric(String instance, String metric, long ts, double value) {
        return new MetricRow(ts, "postgresql", instance, metric, value,
                new java.util.TreeMap<>(Map.of("environment", "prod", "region", "eu-west-1", "team", "dba \"core\"")),
                "cycle-" + ts);
    }

    static AlertEventRow event(String alertKey, long incident, String transition, long updatedAt) {
        return new AlertEventRow(alertKey, incident, transition, 0, updatedAt, alertKey + ":" + incident + ":" + transition,
                "rule-1", "pg-prod-01", "replication_lag_seconds", "postgresql", "prod", "CRITICAL", "FIRING", null,
                T0, 42.5, 30.0, null, null, null, null, "dba", Map.of("team", "dba"));
    }

    /** Staging rows of {@code metrics} metrics on {@code instances} instances at {@code cycles} times. */
    static StagedRows metrics(int instances, int metrics, int cycles, long startMillis) {
        StarRowsBuilder b = new StarRowsBuilder();
        for (int c = 0; c < cycles; c++) {
            for (int i = 0; i < instances; i++) {
                for (int m = 0; m < metrics; m++) {
                    b.add(metric("pg-prod-" + i, "metric_" + m + "_ratio", startMillis + c * 5_000L, c + i + m / 10.0));
                }
            }
        }
        return b.build();
    }

    static List<Object[]> none() {
        return List.of();
    }
}
