package com.gds.alerting.topologies.serde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

import com.gds.alerting.avro.Rule;
import com.gds.alerting.avro.internal.AlertStatus;
import com.gds.alerting.topologies.TestRules;

/**
 * Store values written by an earlier release (a changelog, a local RocksDB) stay readable after a
 * schema change: the earlier schema is kept as {@code <Record>.format<N>.avsc} beside the serde.
 */
class StoreSerdeTest {

    private static Schema earlier(String resource) throws IOException {
        try (InputStream in = StoreSerde.class.getResourceAsStream(resource)) {
            return new Schema.Parser().parse(in);
        }
    }

    private static byte[] written(byte format, Schema schema, GenericRecord record) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(format);
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(schema).write(record, encoder);
        encoder.flush();
        return out.toByteArray();
    }

    @Test
    void alertStatusOfFormatOneReadsWithTheNewFieldsAtTheirDefaults() throws IOException {
        Schema v1 = earlier("AlertStatus.format1.avsc");
        GenericRecord old = new GenericData.Record(v1);
        old.put("alert_key", "lag:pg-1:replication_lag_seconds");
        old.put("rule_id", "lag");
        old.put("instance_id", "pg-1");
        old.put("metric_name", "replication_lag_seconds");
        old.put("tags", Map.of("region", "eu"));
        old.put("state", new GenericData.EnumSymbol(v1.getField("state").schema(), "FIRING"));
        old.put("severity", new GenericData.EnumSymbol(v1.getField("severity").schema(), "WARNING"));
        old.put("incident", 3L);
        old.put("started_at", 1000L);
        old.put("last_sample_at", 2000L);
        old.put("updated_at", 2000L);
        old.put("value", 42.0);
        old.put("reminder_number", 2);
        old.put("escalated", false);
        old.put("transition_counts", Map.of("FIRED", 1));
        old.put("recent_command_ids", List.of("c-1"));
        old.put("labels", Map.of("team", "dba"));

        StoreSerde<AlertStatus> serde = StoreSerde.of(AlertStatus.class);
        assertEquals(4, serde.format(), "AlertStatus gained fields three times (silences, shadow rules, explanations): format 4");
        AlertStatus read = serde.decode(written((byte) 1, v1, old));
        assertEquals("lag:pg-1:replication_lag_seconds", read.getAlertKey());
        assertEquals(3L, read.getIncident());
        assertEquals(42.0, read.getValue());
        assertEquals(List.of("c-1"), read.getRecentCommandIds());
        assertEquals("dba", read.getLabels().get("team"));
        assertNull(read.getMutedBy());
        assertFalse(read.getNotified());
        assertTrue(read.getInhibiting().isEmpty());

        read.setMutedBy("silence:s1");
        byte[] again = serde.encode(read);
        assertEquals(4, again[0], "written in the current format");
        assertEquals("silence:s1", serde.decode(again).getMutedBy());
    }

    @Test
    void ruleOfFormatOneReadsWithoutInhibitions() throws IOException {
        Schema v1 = earlier("Rule.format1.avsc");
        Rule current = TestRules.threshold("lag", "replication_lag_seconds", List.of(TestRules.above(
                com.gds.alerting.avro.Severity.WARNING, 30))).build();
        // the same rule as the previous release wrote it: every field but the new one
        GenericRecord old = new GenericData.Record(v1);
        GenericRecord now = (GenericRecord) GenericData.get().deepCopy(Rule.getClassSchema(), current);
        for (Schema.Field f : v1.getFields()) {
            old.put(f.name(), GenericData.get().deepCopy(Rule.getClassSchema().getField(f.name()).schema(), now.get(f.name())));
        }
        Rule read = StoreSerde.of(Rule.class).decode(written((byte) 1, v1, old));
        assertEquals("lag", read.getRuleId());
        assertEquals(current.getConditions(), read.getConditions());
        assertTrue(read.getInhibits().isEmpty());
    }

    /** State and rules written before shadow rules existed read as live: never routed to the shadow topic. */
    @Test
    void alertStatusAndRuleOfFormatTwoReadAsLive() throws IOException {
        Schema v2 = earlier("AlertStatus.format2.avsc");
        AlertStatus current = AlertStatus.newBuilder()
                .setAlertKey("lag:pg-1:replication_lag_seconds").setRuleId("lag").setInstanceId("pg-1")
                .setMetricName("replication_lag_seconds").setState(com.gds.alerting.avro.AlertState.FIRING)
                .setSeverity(com.gds.alerting.avro.Severity.CRITICAL).setIncident(1).setStartedAt(1000L)
                .setLastSampleAt(2000L).setUpdatedAt(2000L).setShadow(true).setShadowOf("x").build();
        AlertStatus status = StoreSerde.of(AlertStatus.class).decode(written((byte) 2, v2, asOld(v2, AlertStatus.getClassSchema(),
                current)));
        assertEquals("lag:pg-1:replication_lag_seconds", status.getAlertKey());
        assertFalse(status.getShadow());
        assertNull(status.getShadowOf());

        Schema ruleV2 = earlier("Rule.format2.avsc");
        Rule rule = TestRules.threshold("lag", "replication_lag_seconds", List.of(TestRules.above(
                com.gds.alerting.avro.Severity.WARNING, 30))).setShadow(true).setShadowOf("x").build();
        Rule read = StoreSerde.of(Rule.class).decode(written((byte) 2, ruleV2, asOld(ruleV2, Rule.getClassSchema(), rule)));
        assertEquals("lag", read.getRuleId());
        assertFalse(read.getShadow());
        assertNull(read.getShadowOf());
    }

    /** {@code record} with only the fields of the older schema {@code old}. */
    private static GenericRecord asOld(Schema old, Schema schema, Object record) {
        GenericRecord now = (GenericRecord) GenericData.get().deepCopy(schema, record);
        GenericRecord out = new GenericData.Record(old);
        for (Schema.Field f : old.getFields()) {
            out.put(f.name(), GenericData.get().deepCopy(schema.getField(f.name()).schema(), now.get(f.name())));
        }
        return out;
    }

    @Test
    void aFormatFromANewerReleaseIsRefusedWithAClearMessage() {
        SerializationException e = assertThrows(SerializationException.class,
                () -> StoreSerde.of(AlertStatus.class).decode(new byte[] {9, 0, 0}));
        assertTrue(e.getMessage().contains("has format 9, this release reads formats 1 to 4"), e.getMessage());
    }
}
