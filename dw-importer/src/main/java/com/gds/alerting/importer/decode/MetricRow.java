package com.gds.alerting.importer.decode;

import java.util.Map;

import org.apache.avro.generic.GenericRecord;

/**
 * The fields of a {@code Metric} the warehouse keeps.
 *
 * @param timestampMillis when it was measured
 * @param databaseType    postgresql, mssql, ...
 * @param instanceId      the instance
 * @param metricName      the metric
 * @param value           the value
 * @param tags            tags as decoded (read with {@link TagMap})
 * @param correlationId   the collection cycle's id, or null
 */
public record MetricRow(long timestampMillis, String databaseType, String instanceId, String metricName, double value,
                        Map<?, ?> tags, String correlationId) {

    /** The value of one tag, or null. */
    public String tag(String name) {
        return TagMap.get(tags, name);
    }

    /** Reads a {@code Metric} written with any compatible schema. */
    public static MetricRow from(GenericRecord record) throws PoisonRecordException {
        Fields f = new Fields(record, "Metric");
        Fields metadata = f.nested("metadata");
        return new MetricRow(
                f.requiredLong("timestamp"),
                f.requiredString("database_type"),
                f.requiredString("instance_id"),
                f.requiredString("metric_name"),
                f.requiredDouble("value"),
                f.rawMap("tags"),
                metadata == null ? null : metadata.optionalString("correlation_id"));
    }
}
