package com.gds.alerting.importer.decode;

import java.util.Map;

import org.apache.avro.generic.GenericRecord;

/**
 * The fields of an {@code AlertEvent} the warehouse keeps. Enum fields are kept as the symbol
 * the writer wrote, so a transition this importer has never heard of still loads as itself.
 */
public record AlertEventRow(String alertKey, long incident, String transition, int reminderNumber, long updatedAtMillis,
                            String messageId, String ruleId, String instanceId, String metricName, String databaseType,
                            String environment, String severity, String state, String previousState,
                            long startedAtMillis, Double value, Double threshold, String acknowledgedBy,
                            Long acknowledgedAtMillis, String resolvedBy, String suppressedBy, String routingKey,
                            Map<String, String> labels) {

    /** Reads an {@code AlertEvent} written with any compatible schema. */
    public static AlertEventRow from(GenericRecord record) throws PoisonRecordException {
        Fields f = new Fields(record, "AlertEvent");
        return new AlertEventRow(
                f.requiredString("alert_key"),
                f.requiredLong("incident"),
                f.requiredString("transition"),
                f.optionalInt("reminder_number", 0),
                f.requiredLong("updated_at"),
                f.requiredString("message_id"),
                f.requiredString("rule_id"),
                f.requiredString("instance_id"),
                f.requiredString("metric_name"),
                f.optionalString("database_type"),
                f.optionalString("environment"),
                f.requiredString("severity"),
                f.requiredString("state"),
                f.optionalString("previous_state"),
                f.requiredLong("started_at"),
                f.optionalDouble("value"),
                f.optionalDouble("threshold"),
                f.optionalString("acknowledged_by"),
                f.optionalLong("acknowledged_at"),
                f.optionalString("resolved_by"),
                f.optionalString("suppressed_by"),
                f.optionalString("routing_key"),
                f.stringMap("labels"));
    }
}
