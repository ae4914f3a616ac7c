package com.gds.alerting.topologies;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;

import com.gds.alerting.avro.Metric;
import com.gds.alerting.avro.MetricMetadata;

/**
 * Seeded random and mutated metric records for fuzz tests: valid metrics, truncations, flipped
 * bytes, huge claimed lengths, another record type's schema id, extreme values and plain noise.
 * The same seed gives the same records, so a failure can be replayed.
 */
final class MetricFuzz {

    /** One record to send: its key and value bytes, and what kind of mutation made it. */
    record Input(String key, byte[] value, String kind) {
    }

    private final Random random;
    private final Function<Metric, byte[]> encode;
    private final byte[] otherTypeRecord;
    private final Instant now;

    /**
     * @param encode          a metric in the wire format, as collectors send it
     * @param otherTypeRecord a valid record of another type (a Rule) in the wire format
     * @param now             the wall clock the topology runs at
     */
    MetricFuzz(long seed, Function<Metric, byte[]> encode, byte[] otherTypeRecord, Instant now) {
        this.random = new Random(seed);
        this.encode = encode;
        this.otherTypeRecord = otherTypeRecord;
        this.now = now;
    }

    Input next() {
        Metric valid = validMetric();
        String key = valid.getInstanceId();
        byte[] bytes = encode.apply(valid);
        switch (random.nextInt(8)) {
            case 0, 1:
                return new Input(key, bytes, "valid");
            case 2:
                return new Input(key, Arrays.copyOf(bytes, random.nextInt(bytes.length)), "truncated");
            case 3: {
                byte[] flipped = bytes.clone();
                for (int i = 0, n = 1 + random.nextInt(3); i < n; i++) {
                    int at = 5 + random.nextInt(flipped.length - 5);
                    flipped[at] = (byte) random.nextInt(256);
                }
                return new Input(key, flipped, "flipped");
            }
            case 4: {
                // A huge varint (string/collection length) right where the body starts or after the timestamp.
                ByteBuffer b = ByteBuffer.allocate(bytes.length + 10).put(bytes, 0, 5);
                if (random.nextBoolean()) {
                    b.put((byte) 0x02);
                }
                b.put(new byte[] {(byte) 0xfe, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) (random.nextInt(15) + 1)});
                return new Input(key, Arrays.copyOf(b.array(), b.position() + random.nextInt(4)), "huge-length");
            }
            case 5:
                return random.nextBoolean() ? new Input(key, otherTypeRecord, "other-type")
                        : new Input(key, withSchemaId(bytes, random.nextInt()), "random-schema-id");
            case 6:
                return extreme(valid);
            default: {
                byte[] noise = new byte[random.nextInt(64)];
                random.nextBytes(noise);
                if (noise.length > 0 && random.nextBoolean()) {
                    noise[0] = 0;
                }
                return new Input(key, noise, "noise");
            }
        }
    }

    private Input extreme(Metric valid) {
        Metric.Builder m = Metric.newBuilder(valid);
        switch (random.nextInt(7)) {
            case 0 -> m.setTimestamp(Instant.ofEpochMilli(new long[] {Long.MIN_VALUE, -1, 0, Long.MAX_VALUE}[random.nextInt(4)]));
            case 1 -> m.setValue(new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY,
                Double.MAX_VALUE, -Double.MIN_VALUE}[random.nextInt(5)]);
            case 2 -> m.setInstanceId("");
            case 3 -> m.setMetricName("m".repeat(1 + random.nextInt(2000)));
            case 4 -> m.setTags(Map.of("t", "v".repeat(random.nextInt(5000))));
            case 5 -> m.setInstanceId("i".repeat(1 + random.nextInt(600)));
            default -> m.setTimestamp(now.plusSeconds(random.nextInt(7200)));
        }
        Metric metric = m.build();
        return new Input(metric.getInstanceId(), encode.apply(metric), "extreme");
    }

    private Metric validMetric() {
        return Metric.newBuilder()
                .setTimestamp(now.minusSeconds(random.nextInt(60)))
                .setDatabaseType("postgresql")
                .setInstanceId("db-" + random.nextInt(50))
                .setMetricName("fuzz_metric")
                .setValue(random.nextDouble() * 100)
                .setTags(Map.of("environment", "prod"))
                .setMetadata(new MetricMetadata(1L, "fuzz", "c" + random.nextInt(1000)))
                .build();
    }

    private static byte[] withSchemaId(byte[] bytes, int id) {
        byte[] copy = bytes.clone();
        ByteBuffer.wrap(copy, 1, 4).putInt(id);
        return copy;
    }
}
