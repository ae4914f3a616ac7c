package com.gds.alerting.collectors.spool;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Map;

import com.gds.alerting.avro.Metric;
import com.gds.alerting.avro.MetricMetadata;

/** Dead-letter files as the agent writes them, for tests outside this package. */
public final class DeadLetterFixtures {

    private DeadLetterFixtures() {
    }

    public static Metric metric(String instance, String name, double value, long epochMillis, String environment) {
        return new Metric(Instant.ofEpochMilli(epochMillis), "postgresql", instance, name, value,
                Map.of("environment", environment), new MetricMetadata(3L, "test", "c-" + epochMillis));
    }

    /** Appends one record to {@code <spoolDir>/dead-letter/<topic>.dlq}, as a parked topic's record is. */
    public static void append(Path spoolDir, String topic, Metric m) {
        new DeadLetterFile(spoolDir, SpoolRecord.CODEC).append(new SpoolRecord(topic, m.getInstanceId(), m));
    }

    /** The bytes the agent writes for one record: {@code [length][crc32c][record]}. */
    public static byte[] frame(String topic, Metric m) {
        ByteBuffer b = DeadLetterFile.frame(new SpoolRecord(topic, m.getInstanceId(), m), SpoolRecord.CODEC);
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    /** Appends raw bytes to a dead-letter file: a write in progress, or damage. */
    public static void appendBytes(Path file, byte[] bytes, int from, int to) throws IOException {
        Files.write(file, java.util.Arrays.copyOfRange(bytes, from, to), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
}
