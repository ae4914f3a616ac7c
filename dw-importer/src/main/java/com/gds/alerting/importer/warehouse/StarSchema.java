package com.gds.alerting.importer.warehouse;

import static com.gds.alerting.importer.warehouse.Column.key;
import static com.gds.alerting.importer.warehouse.Column.loadTime;
import static com.gds.alerting.importer.warehouse.Column.optional;
import static com.gds.alerting.importer.warehouse.Column.required;

import java.util.List;

/**
 * The star schema the importer loads. Surrogate keys of the dimensions are deterministic hashes
 * of their natural ids ({@link SurrogateKeys}), so facts are loaded without a lookup and every
 * importer instance computes the same key.
 */
public final class StarSchema {

    /** One row per database instance ever seen. */
    public static final TableSpec DIM_INSTANCE = new TableSpec("dim_instance", List.of(
            key("instance_key", ColumnType.BIGINT),
            required("instance_id", ColumnType.VARCHAR, MergeRule.KEEP),
            optional("database_type", ColumnType.VARCHAR, MergeRule.LATEST_NON_NULL),
            optional("environment", ColumnType.VARCHAR, MergeRule.LATEST_NON_NULL),
            optional("region", ColumnType.VARCHAR, MergeRule.LATEST_NON_NULL),
            optional("tags", ColumnType.JSON, MergeRule.LATEST_NON_NULL),
            required("first_seen", ColumnType.TIMESTAMP, MergeRule.MIN),
            required("last_seen", ColumnType.TIMESTAMP, MergeRule.MAX)), true);

    /** One row per metric name. */
    public static final TableSpec DIM_METRIC = new TableSpec("dim_metric", List.of(
            key("metric_key", ColumnType.BIGINT),
            required("metric_name", ColumnType.VARCHAR, MergeRule.KEEP),
            optional("unit", ColumnType.VARCHAR, MergeRule.LATEST_NON_NULL)), true);

    /**
     * One row per measurement; natural key (instance, metric, timestamp), declared time first:
     * rows arrive roughly in time order, so a key index grows at its right edge instead of
     * touching a page per instance, and retention deletes a contiguous range.
     */
    public static final TableSpec FACT_METRIC = new TableSpec("fact_metric", List.of(
            key("ts", ColumnType.TIMESTAMP),
            key("instance_key", ColumnType.BIGINT),
            key("metric_key", ColumnType.BIGINT),
            required("value", ColumnType.DOUBLE, MergeRule.KEEP),
            optional("correlation_id", ColumnType.VARCHAR, MergeRule.KEEP),
            loadTime("loaded_at")), false);

    /**
     * One row per alert lifecycle transition. Natural key: the alert key, the incident, the
     * transition and its reminder number (what the deterministic {@code message_id} is made of),
     * plus the transition's time, so an alert acknowledged, unacknowledged and acknowledged again
     * in one incident keeps both acknowledgements while a replay of either adds nothing.
     */
    public static final TableSpec FACT_ALERT_EVENT = new TableSpec("fact_alert_event", List.of(
            key("alert_key", ColumnType.VARCHAR),
            key("incident", ColumnType.BIGINT),
            key("transition", ColumnType.VARCHAR),
            key("reminder_number", ColumnType.INTEGER),
            key("updated_at", ColumnType.TIMESTAMP),
            required("message_id", ColumnType.VARCHAR, MergeRule.KEEP),
            required("rule_id", ColumnType.VARCHAR, MergeRule.KEEP),
            required("instance_key", ColumnType.BIGINT, MergeRule.KEEP),
            required("metric_key", ColumnType.BIGINT, MergeRule.KEEP),
            required("severity", ColumnType.VARCHAR, MergeRule.KEEP),
            required("state", ColumnType.VARCHAR, MergeRule.KEEP),
            optional("previous_state", ColumnType.VARCHAR, MergeRule.KEEP),
            required("started_at", ColumnType.TIMESTAMP, MergeRule.KEEP),
            optional("value", ColumnType.DOUBLE, MergeRule.KEEP),
            optional("threshold", ColumnType.DOUBLE, MergeRule.KEEP),
            optional("acknowledged_by", ColumnType.VARCHAR, MergeRule.KEEP),
            optional("acknowledged_at", ColumnType.TIMESTAMP, MergeRule.KEEP),
            optional("resolved_by", ColumnType.VARCHAR, MergeRule.KEEP),
            optional("suppressed_by", ColumnType.VARCHAR, MergeRule.KEEP),
            optional("routing_key", ColumnType.VARCHAR, MergeRule.KEEP),
            optional("labels", ColumnType.JSON, MergeRule.KEEP),
            loadTime("loaded_at")), false);

    /** In load order: dimensions before the facts that refer to them. */
    public static final List<TableSpec> TABLES = List.of(DIM_INSTANCE, DIM_METRIC, FACT_METRIC, FACT_ALERT_EVENT);

    /** The fact tables and the event-time column retention purges by. */
    public static final List<PurgeTarget> PURGEABLE = List.of(
            new PurgeTarget(FACT_METRIC, "ts"), new PurgeTarget(FACT_ALERT_EVENT, "updated_at"));

    private StarSchema() {
    }

    /** A fact table and its event-time column. */
    public record PurgeTarget(TableSpec table, String timeColumn) {
    }
}
