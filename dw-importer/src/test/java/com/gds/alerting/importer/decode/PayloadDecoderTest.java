package com.gds.alerting.importer.decode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.gds.alerting.avro.AlertState;
import com.gds.alerting.avro.Metric;
import com.gds.alerting.avro.MetricMetadata;
import com.gds.alerting.avro.Transition;
import com.gds.alerting.avro.serde.AvroSerdeConfig;
import com.gds.alerting.avro.serde.AvroSerdes;
import com.gds.alerting.avro.serde.InMemorySchemaRegistry;
import com.gds.alerting.importer.testkit.TestRecords;

class PayloadDecoderTest {

    private static final String TOPIC = "gds.metrics.postgresql.prod";
    private final String scope = "decoder-" + UUID.randomUUID();
    private final PayloadDecoder decoder = new PayloadDecoder(InMemorySchemaRegistry.forScope(scope));

    @AfterEach
    void dropScope() {
        InMemorySchemaRegistry.dropScope(scope);
    }

    @Test
    void readsAMetricWithEveryFieldTheWarehouseKeeps() throws Exception {
        Metric metric = Metric.newBuilder().setTimestamp(Instant.ofEpochMilli(1_000)).setDatabaseType("postgresql")
                .setInstanceId("pg-prod-01").setMetricName("up").setValue(1)
                .setTags(Map.of("environment", "prod", "region", "eu-west-1"))
                .setMetadata(new MetricMetadata(12L, "synthetic/1", "cycle-1")).build();

        MetricRow row = MetricRow.from(decoder.decode(TOPIC, serialize(metric)));

        assertEquals(1_000, row.timestampMillis());
        assertEquals("pg-prod-01", row.instanceId());
        assertEquals("up", row.metricName());
        assertEquals("prod", row.tag("environment"));
        assertEquals("eu-west-1", row.tag("region"));
        assertEquals("cycle-1", row.correlationId());
    }

    @Test
    void readsAnAlertEventFromANewerSchemaWithItsNewTransitionAsWritten() throws Exception {
        byte[] bytes = TestRecords.rejectedCommandEvent(scope, "gds.alerts.events", "pg-prod-02", Instant.ofEpochMilli(5_000));

        AlertEventRow row = AlertEventRow.from(decoder.decode("gds.alerts.events", bytes));

        assertEquals("COMMAND_REJECTED", row.transition());
        assertEquals("pg-prod-02", row.instanceId());
        assertEquals(5_000, row.updatedAtMillis());
        assertEquals("FIRING", row.state());
        assertEquals(Map.of("team", "dba"), TagMap.sorted(row.labels()));
    }

    @Test
    void poisonIsNamedByReason() throws Exception {
        byte[] good = serialize(TestRecords.event("x", 1, Transition.FIRED, AlertState.FIRING, Instant.EPOCH));
        byte[] unknownId = good.clone();
        ByteBuffer.wrap(unknownId, 1, 4).putInt(987_654);

        assertEquals("TOO_SHORT", code(new byte[] {0, 1}));
        assertEquals("WRONG_MAGIC_BYTE", code("{\"json\":1}".getBytes()));
        assertEquals("UNKNOWN_SCHEMA_ID", code(unknownId));
        assertEquals("TRUNCATED_BODY", code(Arrays.copyOf(good, good.length - 3)));
        assertEquals("MALFORMED_BODY", code(Arrays.copyOf(good, good.length + 2)));
        assertEquals("NULL_VALUE", code(null));
    }

    @Test
    void aMissingRequiredFieldNamesTheField() throws Exception {
        byte[] nameless = TestRecords.metricWithoutName(scope, TOPIC);
        PoisonRecordException e = assertThrows(PoisonRecordException.class,
                () -> MetricRow.from(decoder.decode(TOPIC, nameless)));
        assertEquals("MISSING_FIELD", e.code());
        assertTrue(e.getMessage().contains("'metric_name'"), e.getMessage());
    }

    private String code(byte[] bytes) {
        return assertThrows(PoisonRecordException.class, () -> decoder.decode(TOPIC, bytes)).code();
    }

    @SuppressWarnings("unchecked")
    private <T extends org.apache.avro.specific.SpecificRecord> byte[] serialize(T record) {
        try (Serde<T> serde = AvroSerdes.valueSerde((Class<T>) record.getClass(),
                Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, "mem://" + scope))) {
            return serde.serializer().serialize(TOPIC, record);
        }
    }
}
