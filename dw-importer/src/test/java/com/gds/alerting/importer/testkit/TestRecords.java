package com.gds.alerting.importer.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Map;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.gds.alerting.avro.AlertEvent;
import com.gds.alerting.avro.AlertState;
import com.gds.alerting.avro.Severity;
import com.gds.alerting.avro.Transition;
import com.gds.alerting.avro.serde.InMemorySchemaRegistry;
import com.gds.alerting.avro.serde.WireFormat;

/** Records for importer tests: alert events, an event from a newer schema, and poison. */
public final class TestRecords {

    private TestRecords() {
    }

    /** One transition of alert {@code rule:instance:metric}. */
    public static AlertEvent event(String instance, long incident, Transition transition, AlertState state, Instant at) {
        String key = "rule-lag:" + instance + ":replication_lag_seconds";
        return AlertEvent.newBuilder()
                .setMessageId(key + "/" + incident + "/" + transition)
                .setAlertKey(key)
                .setRuleId("rule-lag")
                .setInstanceId(instance)
                .setMetricName("replication_lag_seconds")
                .setDatabaseType("postgresql")
                .setEnvironment("prod")
                .setSeverity(Severity.CRITICAL)
                .setState(state)
                .setTransition(transition)
                .setIncident(incident)
                .setValue(42.0)
                .setThreshold(30.0)
                .setStartedAt(at)
                .setUpdatedAt(at)
                .setLabels(Map.of("team", "dba"))
                .build();
    }

    /**
     * The AlertEvent schema as a later release may have it: a new optional {@code future_note}
     * and a new transition symbol {@code COMMAND_REJECTED}.
     */
    public static Schema evolvedAlertEventSchema() {
        try {
            ObjectMapper json = new ObjectMapper();
            ObjectNode schema = (ObjectNode) json.readTree(AlertEvent.getClassSchema().toString());
            ArrayNode fields = (ArrayNode) schema.get("fields");
            for (var field : fields) {
                if (field.get("name").asText().equals("transition")) {
                    ((ArrayNode) field.get("type").get("symbols")).add("COMMAND_REJECTED");
                }
            }
            fields.addObject().put("name", "future_note").set("type", json.readTree("[\"null\", \"string\"]"));
            ((ObjectNode) fields.get(fields.size() - 1)).putNull("default");
            return new Schema.Parser().parse(json.writeValueAsString(schema));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A COMMAND_REJECTED event written with {@link #evolvedAlertEventSchema()}, in wire format. */
    public static byte[] rejectedCommandEvent(String registryScope, String topic, String instance, Instant at) {
        Schema schema = evolvedAlertEventSchema();
        AlertEvent base = event(instance, 1, Transition.FIRED, AlertState.FIRING, at);
        GenericRecord record = new GenericData.Record(schema);
        for (Schema.Field f : schema.getFields()) {
            Schema.Field old = AlertEvent.getClassSchema().getField(f.name());
            if (old != null) {
                Object value = base.get(old.pos());
                record.put(f.name(), toGeneric(f.schema(), value));
            }
        }
        record.put("transition", new GenericData.EnumSymbol(schema.getField("transition").schema(), "COMMAND_REJECTED"));
        record.put("message_id", "rejected-1");
        record.put("future_note", "cmd-7");
        return wire(registryScope, topic, schema, record);
    }

    /** A "Metric" whose writer left out {@code metric_name}: decodable, but not loadable. */
    public static byte[] metricWithoutName(String registryScope, String topic) {
        Schema schema = new Schema.Parser().parse("""
                {"type": "record", "name": "Metric", "namespace": "com.gds.alerting.avro", "fields": [
                  {"name": "timestamp", "type": {"type": "long", "logicalType": "timestamp-millis"}},
                  {"name": "database_type", "type": "string"},
                  {"name": "instance_id", "type": "string"},
                  {"name": "value", "type": "double"}]}""");
        GenericRecord record = new GenericData.Record(schema);
        record.put("timestamp", 1_767_225_600_000L);
        record.put("database_type", "postgresql");
        record.put("instance_id", "pg-prod-01");
        record.put("value", 1.0);
        return wire(registryScope, topic, schema, record);
    }

    private static Object toGeneric(Schema schema, Object value) {
        if (value instanceof Instant i) {
            return i.toEpochMilli();
        }
        if (value instanceof Enum<?> e) {
            Schema enumSchema = schema.getType() == Schema.Type.UNION
                    ? schema.getTypes().stream().filter(s -> s.getType() == Schema.Type.ENUM).findFirst().orElseThrow()
                    : schema;
            return new GenericData.EnumSymbol(enumSchema, e.name());
        }
        return value;
    }

    private static byte[] wire(String scope, String topic, Schema schema, GenericRecord record) {
        int id = InMemorySchemaRegistry.forScope(scope).register(WireFormat.subject(topic, false), schema);
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.write(WireFormat.MAGIC_BYTE);
            out.write(ByteBuffer.allocate(4).putInt(id).array());
            BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
            new GenericDatumWriter<GenericRecord>(schema).write(record, encoder);
            encoder.flush();
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
