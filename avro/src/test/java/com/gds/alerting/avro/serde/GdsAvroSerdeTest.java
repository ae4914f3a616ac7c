package com.gds.alerting.avro.serde;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import com.gds.alerting.avro.Metric;
import com.gds.alerting.avro.MetricMetadata;
import com.gds.alerting.avro.Rule;
import com.gds.alerting.avro.evolution.MetricNext;
import com.gds.alerting.avro.serde.InvalidAvroPayloadException.Reason;

class GdsAvroSerdeTest {

    private final String scope = "serde-test-" + UUID.randomUUID();
    private final Map<String, Object> config = Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, "mem://" + scope);

    @AfterEach
    void dropRegistry() {
        InMemorySchemaRegistry.dropScope(scope);
    }

    static Stream<Arguments> everyRecordType() {
        return SampleRecords.all().entrySet().stream().map(e -> Arguments.of(e.getKey(), e.getValue()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyRecordType")
    <T extends SpecificRecord> void roundTripsEveryRecordType(String name, T record) {
        @SuppressWarnings("unchecked")
        Class<T> type = (Class<T>) record.getClass();
        try (Serde<T> serde = AvroSerdes.valueSerde(type, config)) {
            byte[] bytes = serde.serializer().serialize("topic-a", record);
            assertEquals(WireFormat.MAGIC_BYTE, bytes[0], "Confluent magic byte");
            assertEquals(record, serde.deserializer().deserialize("topic-a", bytes), name);
        }
    }

    @Test
    void writesExactlyTheConfluentWireFormat() {
        Metric metric = Metric.newBuilder()
                .setTimestamp(Instant.ofEpochMilli(1))
                .setDatabaseType("pg")
                .setInstanceId("i")
                .setMetricName("up")
                .setValue(0.5)
                .setTags(Map.of())
                .setMetadata(new MetricMetadata(3L, "v", "c"))
                .build();
        byte[] expected = {
            0x00,                    // magic byte
            0x00, 0x00, 0x00, 0x01,  // schema id 1, big-endian (first schema of a fresh registry)
            0x02,                    // timestamp 1 (zig-zag varint)
            0x04, 'p', 'g',          // database_type: length 2 (zig-zag 4), "pg"
            0x02, 'i',               // instance_id: length 1, "i"
            0x04, 'u', 'p',          // metric_name: "up"
            0x00, 0x00, 0x00, 0x00, 0x00, 0x00, (byte) 0xE0, 0x3F, // value 0.5, IEEE 754 little-endian
            0x00,                    // tags: empty map (block count 0)
            0x06,                    // metadata.collection_duration_ms 3
            0x02, 'v',               // metadata.version "v"
            0x02, 'c',               // metadata.correlation_id "c"
        };
        try (Serde<Metric> serde = AvroSerdes.valueSerde(Metric.class, config)) {
            assertArrayEquals(expected, serde.serializer().serialize("gds.metrics.pg.prod", metric));
        }
        assertEquals(1, InMemorySchemaRegistry.forScope(scope)
                .idOf("gds.metrics.pg.prod-value", Metric.getClassSchema()), "registered under <topic>-value");
    }

    @Test
    void newerReaderReadsDataWrittenWithTheOlderSchema() {
        Metric old = SampleRecords.metric();
        byte[] bytes;
        try (Serde<Metric> writer = AvroSerdes.valueSerde(Metric.class, config)) {
            bytes = writer.serializer().serialize("gds.metrics.postgresql.prod", old);
        }
        try (Serde<MetricNext> reader = AvroSerdes.valueSerde(MetricNext.class, config)) {
            MetricNext next = reader.deserializer().deserialize("gds.metrics.postgresql.prod", bytes);
            assertEquals(old.getInstanceId(), next.getInstanceId());
            assertEquals(old.getValue(), next.getValue());
            assertEquals(old.getTags(), next.getTags());
            assertEquals(old.getMetadata().getCorrelationId(), next.getMetadata().getCorrelationId());
            assertNull(next.getUnit(), "the added field takes its default");
        }
    }

    @Test
    void tombstonesPassThroughAsNull() {
        try (Serde<Rule> serde = AvroSerdes.valueSerde(Rule.class, config)) {
            assertNull(serde.serializer().serialize("gds.rules", null));
            assertNull(serde.deserializer().deserialize("gds.rules", null));
        }
    }

    @Test
    void corruptPayloadsRaiseOneExceptionTypeWithTheReason() {
        try (Serde<Metric> serde = AvroSerdes.valueSerde(Metric.class, config)) {
            byte[] good = serde.serializer().serialize("m", SampleRecords.metric());

            byte[] wrongMagic = good.clone();
            wrongMagic[0] = 0x7b; // '{': somebody wrote JSON
            assertReason(Reason.WRONG_MAGIC_BYTE, "byte 0 is 0x7b", () -> serde.deserializer().deserialize("m", wrongMagic));

            byte[] unknownId = good.clone();
            ByteBuffer.wrap(unknownId, 1, 4).putInt(4242);
            assertReason(Reason.UNKNOWN_SCHEMA_ID, "schema id 4242", () -> serde.deserializer().deserialize("m", unknownId));

            byte[] truncated = Arrays.copyOf(good, good.length - 6);
            assertReason(Reason.TRUNCATED_BODY, "topic 'm'", () -> serde.deserializer().deserialize("m", truncated));

            assertReason(Reason.TOO_SHORT, "3 byte(s)", () -> serde.deserializer().deserialize("m", new byte[] {0, 0, 0}));

            byte[] trailing = Arrays.copyOf(good, good.length + 2);
            assertReason(Reason.MALFORMED_BODY, "left over", () -> serde.deserializer().deserialize("m", trailing));
        }
        try (Serde<Rule> rules = AvroSerdes.valueSerde(Rule.class, config);
             Serde<Metric> metrics = AvroSerdes.valueSerde(Metric.class, config)) {
            byte[] rule = rules.serializer().serialize("x", SampleRecords.thresholdRule());
            assertReason(Reason.INCOMPATIBLE_SCHEMA, "com.gds.alerting.avro.Rule",
                    () -> metrics.deserializer().deserialize("x", rule));
        }
    }

    @Test
    void aRecordThatCannotBeSerializedNamesTheRecordAndTopic() {
        Metric broken = SampleRecords.metric();
        broken.setInstanceId(null);
        try (Serde<Metric> serde = AvroSerdes.valueSerde(Metric.class, config)) {
            SerializationException e = assertThrows(SerializationException.class,
                    () -> serde.serializer().serialize("gds.metrics.postgresql.prod", broken));
            assertTrue(e.getMessage().contains("com.gds.alerting.avro.Metric"), e.getMessage());
            assertTrue(e.getMessage().contains("gds.metrics.postgresql.prod"), e.getMessage());
            assertTrue(e.getMessage().contains("instance_id"), e.getMessage());
        }
    }

    @Test
    void anIncompatibleSchemaChangeIsRefusedByTheRegistry() {
        InMemorySchemaRegistry registry = InMemorySchemaRegistry.forScope(scope);
        registry.register("t-value", Metric.getClassSchema());
        // A MetricNext-shaped schema without a default on its new field would break old data.
        org.apache.avro.Schema breaking = new org.apache.avro.Schema.Parser().parse(
                Metric.getClassSchema().toString().replace("\"fields\":[{\"name\":\"timestamp\"",
                        "\"fields\":[{\"name\":\"unit\",\"type\":\"string\"},{\"name\":\"timestamp\""));
        SchemaRegistryException e = assertThrows(SchemaRegistryException.class, () -> registry.register("t-value", breaking));
        assertEquals(409, e.status());
        assertTrue(e.getMessage().contains("unit"), e.getMessage());
    }

    private static void assertReason(Reason reason, String inMessage, org.junit.jupiter.api.function.Executable call) {
        InvalidAvroPayloadException e = assertThrows(InvalidAvroPayloadException.class, call);
        assertEquals(reason, e.reason(), e.getMessage());
        assertTrue(e.getMessage().contains(inMessage), () -> "'" + inMessage + "' not in: " + e.getMessage());
        assertTrue(e instanceof SerializationException, "a Kafka SerializationException, for deserialization handlers");
    }
}
