package com.gds.alerting.importer.decode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
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

/**
 * Issue 24, "done when": seeded random and mutated payloads (truncations, flipped bytes, huge
 * claimed lengths, another record type's schema id, noise) to the importer's decoder. Each either
 * decodes to a Metric row or is a {@link PoisonRecordException}: nothing else may escape, since
 * anything else once stopped the importer.
 */
class PayloadDecoderFuzzTest {

    private static final String TOPIC = "gds.metrics.postgresql.prod";
    private static final int RECORDS = 20_000;
    private final String scope = "decoder-fuzz-" + UUID.randomUUID();
    private final PayloadDecoder decoder = new PayloadDecoder(InMemorySchemaRegistry.forScope(scope));

    @AfterEach
    void dropScope() {
        InMemorySchemaRegistry.dropScope(scope);
    }

    @Test
    void everyPayloadDecodesOrIsAPoisonRecord() {
        Random random = new Random(24L);
        byte[] event;
        Map<String, Integer> outcomes = new TreeMap<>();
        try (Serde<Metric> serde = AvroSerdes.valueSerde(Metric.class, Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL,
                InMemorySchemaRegistry.SCHEME + scope))) {
            event = serialize(TestRecords.event("x", 1, Transition.FIRED, AlertState.FIRING, Instant.EPOCH));
            for (int i = 0; i < RECORDS; i++) {
                Metric metric = Metric.newBuilder().setTimestamp(Instant.ofEpochMilli(random.nextLong()))
                        .setDatabaseType("postgresql").setInstanceId("db-" + random.nextInt(100)).setMetricName("m")
                        .setValue(random.nextDouble()).setTags(Map.of("environment", "prod"))
                        .setMetadata(new MetricMetadata(1L, "v", "c")).build();
                byte[] bytes = mutate(random, serde.serializer().serialize(TOPIC, metric), event);
                try {
                    MetricRow.from(decoder.decode(TOPIC, bytes, Metric.getClassSchema().getFullName()));
                    outcomes.merge("decoded", 1, Integer::sum);
                } catch (PoisonRecordException e) {
                    outcomes.merge(e.code(), 1, Integer::sum);
                }
            }
        }
        assertEquals(RECORDS, outcomes.values().stream().mapToInt(Integer::intValue).sum());
        assertTrue(outcomes.containsKey("decoded") && outcomes.containsKey("MALFORMED_BODY")
                && outcomes.containsKey("INCOMPATIBLE_SCHEMA") && outcomes.containsKey("TRUNCATED_BODY"), outcomes.toString());
    }

    private byte[] serialize(com.gds.alerting.avro.AlertEvent e) {
        try (Serde<com.gds.alerting.avro.AlertEvent> serde = AvroSerdes.valueSerde(com.gds.alerting.avro.AlertEvent.class,
                Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, InMemorySchemaRegistry.SCHEME + scope))) {
            return serde.serializer().serialize("gds.alerts.events", e);
        }
    }

    private static byte[] mutate(Random random, byte[] bytes, byte[] otherType) {
        switch (random.nextInt(7)) {
            case 0:
                return bytes;
            case 1:
                return Arrays.copyOf(bytes, random.nextInt(bytes.length));
            case 2: {
                byte[] flipped = bytes.clone();
                for (int i = 0, n = 1 + random.nextInt(3); i < n; i++) {
                    flipped[5 + random.nextInt(flipped.length - 5)] = (byte) random.nextInt(256);
                }
                return flipped;
            }
            case 3: {
                ByteBuffer b = ByteBuffer.allocate(bytes.length + 12).put(bytes, 0, 5);
                if (random.nextBoolean()) {
                    b.put((byte) 0x02);
                }
                b.put(new byte[] {(byte) 0xfe, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) (random.nextInt(15) + 1)});
                return Arrays.copyOf(b.array(), b.position() + random.nextInt(4));
            }
            case 4:
                return otherType;
            case 5: {
                byte[] wrongId = bytes.clone();
                ByteBuffer.wrap(wrongId, 1, 4).putInt(random.nextInt());
                return wrongId;
            }
            default: {
                byte[] noise = new byte[random.nextInt(64)];
                random.nextBytes(noise);
                return noise;
            }
        }
    }
}
