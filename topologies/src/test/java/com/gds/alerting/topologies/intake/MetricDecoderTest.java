package com.gds.alerting.topologies.intake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

import com.gds.alerting.avro.Metric;
import com.gds.alerting.avro.MetricMetadata;
import com.gds.alerting.avro.serde.GdsAvroDeserializer;
import com.gds.alerting.avro.serde.GdsAvroSerializer;
import com.gds.alerting.avro.serde.InMemorySchemaRegistry;
import com.gds.alerting.topologies.TestRules;

class MetricDecoderTest {

    static {
        TestRules.class.getName(); // installs the Avro class trust
    }

    private final InMemorySchemaRegistry registry = InMemorySchemaRegistry.forScope("metric-decoder-" + System.nanoTime());
    private final GdsAvroSerializer<Metric> serializer = new GdsAvroSerializer<>(registry);
    private final GdsAvroDeserializer<Metric> general = new GdsAvroDeserializer<>(Metric.class, registry);

    private static Metric metric(String instance, String name, double value, Map<String, String> tags, String correlation) {
        return Metric.newBuilder().setTimestamp(Instant.ofEpochMilli(1_765_000_000_123L)).setDatabaseType("postgresql")
                .setInstanceId(instance).setMetricName(name).setValue(value).setTags(tags)
                .setMetadata(new MetricMetadata(42L, "1.2.3", correlation)).build();
    }

    private byte[] bytes(Metric metric) {
        return serializer.serialize("gds.metrics.postgresql.prod", metric);
    }

    @Test
    void readsWhatTheGeneralDeserializerReadsOnceItHasSeenTheSchemaId() {
        MetricDecoder decoder = new MetricDecoder(general);
        List<Metric> metrics = List.of(
                metric("pg-1", "connections_used", 1.5, Map.of("environment", "prod", "region", "eu"), "c-1"),
                metric("pg-1", "connections_used", -0.0, Map.of("environment", "prod", "region", "eu"), "c-2"),
                metric("pg-2", "réplication_lag_秒", -1e300, Map.of(), "c-3"),
                metric("pg-3", "x".repeat(300), 7, Map.of("long", "v".repeat(1_000), "e", ""), "c-4"),
                metric("pg-1", "connections_used", 3, Map.of("environment", "prod", "region", "eu"), "c-5"));
        for (Metric m : metrics) {
            Metric decoded = decoder.decode("t", new RecordHeaders(), bytes(m));
            assertEquals(m, decoded);
            assertEquals(general.deserialize("t", bytes(m)), decoded);
        }
        assertEquals(metrics.size() - 1, decoder.fastReads(), "every payload after the first of its schema id");
        Metric a = decoder.decode("t", new RecordHeaders(), bytes(metrics.get(0)));
        Metric b = decoder.decode("t", new RecordHeaders(), bytes(metrics.get(4)));
        assertSame(a.getMetricName(), b.getMetricName(), "repeated names are one String, not decoded anew");
        assertSame(a.getInstanceId(), b.getInstanceId());
        assertSame(a.getInstanceId(), decoder.key("pg-1".getBytes()));
        assertTrue(MetricDecoder.ownedByRecord(a.getTags()) && a.getTags() != b.getTags(), "each record its own tag map");
    }

    @Test
    void aPayloadTheLayoutReaderCannotReadIsRefusedWithTheGeneralReason() {
        MetricDecoder decoder = new MetricDecoder(general);
        byte[] good = bytes(metric("pg-1", "m", 1, Map.of("k", "v"), "c"));
        decoder.decode("t", new RecordHeaders(), good);
        decoder.decode("t", new RecordHeaders(), good);
        assertEquals(1, decoder.fastReads());
        byte[] truncated = Arrays.copyOf(good, good.length - 3);
        byte[] trailing = Arrays.copyOf(good, good.length + 2);
        for (byte[] bad : List.of(truncated, trailing, new byte[] {0, 0, 0}, new byte[] {1, 0, 0, 0, 1, 2}, unknownId(good))) {
            Decoding.Refusal expected = assertThrows(Decoding.Refusal.class,
                    () -> Decoding.decode(general, "t", new RecordHeaders(), bad, "a Metric"));
            Decoding.Refusal actual = assertThrows(Decoding.Refusal.class, () -> decoder.decode("t", new RecordHeaders(), bad));
            assertEquals(expected.reason(), actual.reason());
            assertEquals(expected.getMessage(), actual.getMessage());
        }
        assertEquals(1, decoder.fastReads(), "no bad payload counts as read");
    }

    private static byte[] unknownId(byte[] good) {
        byte[] copy = good.clone();
        ByteBuffer.wrap(copy, 1, 4).putInt(987_654);
        return copy;
    }

    @Test
    void aWriterSchemaOfAnotherLayoutIsReadByTheGeneralDeserializer() throws Exception {
        // An older collector's schema without tags: compatible (the reader has a default), another layout.
        Schema metadata = Metric.getClassSchema().getField("metadata").schema();
        Schema old = SchemaBuilder.record("Metric").namespace("com.gds.alerting.avro").fields()
                .name("timestamp").type().longType().noDefault()
                .name("database_type").type().stringType().noDefault()
                .name("instance_id").type().stringType().noDefault()
                .name("metric_name").type().stringType().noDefault()
                .name("value").type().doubleType().noDefault()
                .name("metadata").type(metadata).noDefault()
                .endRecord();
        int id = registry.register("old-collector-value", old);
        GenericRecord md = new GenericData.Record(metadata);
        md.put("collection_duration_ms", 5L);
        md.put("version", "0.9");
        md.put("correlation_id", "c");
        GenericRecord record = new GenericData.Record(old);
        record.put("timestamp", 1_765_000_000_000L);
        record.put("database_type", "postgresql");
        record.put("instance_id", "pg-9");
        record.put("metric_name", "up");
        record.put("value", 1.0);
        record.put("metadata", md);
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.write(0);
        out.write(ByteBuffer.allocate(4).putInt(id).array());
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(old).write(record, encoder);
        encoder.flush();
        byte[] payload = out.toByteArray();
        MetricDecoder decoder = new MetricDecoder(general);
        for (int i = 0; i < 3; i++) {
            Metric m = decoder.decode("t", new RecordHeaders(), payload);
            assertEquals("pg-9", m.getInstanceId());
            assertEquals(new HashMap<String, String>(), new HashMap<>(m.getTags()));
        }
        assertEquals(0, decoder.fastReads());
    }
}
