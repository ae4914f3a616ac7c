package com.gds.alerting.collectors.synthetic;

import static com.gds.alerting.collectors.synthetic.MetricShape.counter;
import static com.gds.alerting.collectors.synthetic.MetricShape.gauge;
import static com.gds.alerting.collectors.synthetic.MetricShape.replicaGauge;

import java.util.List;

/**
 * The metrics a database type reports, with plausible healthy values. Where a real collector
 * publishes the same figure, the name is the collector's (docs/collectors.md), so the rule packs
 * in rules/packs select the synthetic fleet too (RulePacksOnSyntheticFleetTest in rules-cli checks
 * it); the others (batch_requests_per_second, storage_bytes, ...) have no collector counterpart.
 */
enum DatabaseProfile {

    POSTGRESQL("postgresql", "pg", List.of(
            gauge("connections_used_ratio", 0.35, 0.03, 0.02, 1.0),
            gauge("idle_in_transaction_count", 1, 0.7, 0, 200),
            gauge("longest_transaction_seconds", 4, 2, 0, 86_400),
            gauge("locks_waiting", 0.5, 0.5, 0, 500),
            gauge("cache_hit_ratio", 0.992, 0.002, 0.5, 1.0),
            gauge("xid_wraparound_age", 180_000_000, 1_000_000, 0, 2_147_483_647),
            gauge("dead_tuple_ratio_max", 0.04, 0.005, 0, 1),
            replicaGauge("replication_lag_seconds", 0.3, 0.2, 0, 86_400),
            replicaGauge("replication_lag_bytes", 200_000, 80_000, 0, 1e12),
            counter("xact_commit_total", 450),
            counter("xact_rollback_total", 2),
            counter("deadlocks_total", 0.001),
            counter("temp_bytes_total", 40_000))),

    MSSQL("mssql", "sql", List.of(
            gauge("connections_used_ratio", 0.30, 0.03, 0.02, 1.0),
            gauge("batch_requests_per_second", 900, 80, 0, 100_000),
            gauge("page_life_expectancy_seconds", 3_600, 200, 0, 1e6),
            gauge("buffer_cache_hit_ratio", 0.995, 0.002, 0.5, 1.0),
            gauge("blocked_sessions", 0.3, 0.4, 0, 500),
            gauge("log_space_used_ratio", 0.25, 0.02, 0, 1),
            replicaGauge("ag_secondary_lag_seconds", 0.5, 0.3, 0, 86_400),
            counter("deadlocks_total", 0.002))),

    MONGODB("mongodb", "mongo", List.of(
            gauge("connections_used_ratio", 0.25, 0.03, 0.01, 1.0),
            gauge("queue_writers", 1, 1, 0, 10_000),
            gauge("cache_dirty_ratio", 0.03, 0.01, 0, 1),
            gauge("oplog_window_seconds", 108_000, 3_600, 0, 36_000_000),
            replicaGauge("replication_lag_seconds", 0.4, 0.3, 0, 86_400),
            counter("opcounters_query_total", 700),
            counter("page_faults_total", 3))),

    SNOWFLAKE("snowflake", "sf", List.of(
            gauge("warehouse_avg_running", 6, 2, 0, 1_000),
            gauge("warehouse_avg_queued_load", 0.3, 0.5, 0, 1_000),
            gauge("longest_query_seconds", 40, 15, 0, 86_400),
            gauge("storage_bytes", 2.0e12, 1.0e9, 0, 1e15),
            counter("query_total", 15),
            counter("query_failures_total", 0.05),
            counter("credits_used_total", 0.002)));

    private final String databaseType;
    private final String instancePrefix;
    private final List<MetricShape> metrics;

    DatabaseProfile(String databaseType, String instancePrefix, List<MetricShape> metrics) {
        this.databaseType = databaseType;
        this.instancePrefix = instancePrefix;
        this.metrics = metrics;
    }

    String databaseType() {
        return databaseType;
    }

    String instancePrefix() {
        return instancePrefix;
    }

    List<MetricShape> metrics() {
        return metrics;
    }

    /** Snowflake has no replicas to lag. */
    boolean hasReplicas() {
        return this != SNOWFLAKE;
    }
}
