package com.gds.alerting.collectors.spool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;

import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.gds.alerting.avro.Metric;
import com.gds.alerting.avro.MetricMetadata;
import com.gds.alerting.avro.serde.VersionedAvroCodec;

/**
 * A spool left by the previous release is read by the next one: records in the layout before the
 * spool recorded the writer's schema, and records written under an earlier {@code Metric} schema.
 * The segment files are built byte by byte here, as the previous release wrote them.
 */
class SpoolUpgradeTest {

    private static final String TOPIC = "gds.metrics.postgresql.prod";

    /** The {@code Metric} schema this release writes (parsing fingerprint of Metric.avsc). */
    private static final long CURRENT_METRIC_FINGERPRINT = -5261607887267159721L;

    private static Metric metric(double value, Map<String, String> tags) {
        return new Metric(Instant.ofEpochMilli(1_700_000_000_000L), "postgresql", "pg-1", "up", value, tags,
                new MetricMetadata(5L, "0.9.0", "c-1"));
    }

    /** The Metric schema of a release before {@code tags} existed. */
    private static Schema metricWithoutTags() {
        Schema current = Metric.getClassSchema();
        List<Schema.Field> fields = current.getFields().stream().filter(f -> !f.name().equals("tags"))
                .map(f -> new Schema.Field(f, f.schema())).toList();
        return Schema.createRecord(current.getName(), current.getDoc(), current.getNamespace(), false, fields);
    }

    @Test
    void recordsInTheLayoutBeforeTheFormatByteAreReadAfterTheUpgrade(@TempDir Path dir) throws IOException {
        Metric m = metric(1, Map.of("environment", "prod"));
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        BinaryEncoder enc = EncoderFactory.get().directBinaryEncoder(body, null);
        new SpecificDatumWriter<>(Metric.class).write(m, enc);
        enc.flush();
        writeSegment(dir, List.of(legacyRecord(body.toByteArray())));

        try (DiskSpool spool = new DiskSpool(dir, 1 << 20)) {
            List<SpoolEntry> read = spool.read(10);
            assertEquals(0, spool.corruptCount(), "nothing skipped as corrupt");
            assertEquals(List.of(new SpoolRecord(TOPIC, "pg-1", m)), read.stream().map(SpoolEntry::record).toList());
        }
    }

    @Test
    void recordsWrittenUnderThePreviousMetricSchemaAreReadWithTheNewFieldAtItsDefault(@TempDir Path dir) throws IOException {
        Schema previous = metricWithoutTags();
        GenericRecord old = new GenericData.Record(previous);
        old.put("timestamp", 1_700_000_000_000L);
        old.put("database_type", "postgresql");
        old.put("instance_id", "pg-1");
        old.put("metric_name", "up");
        old.put("value", 1.0);
        GenericRecord meta = new GenericData.Record(previous.getField("metadata").schema());
        meta.put("collection_duration_ms", 5L);
        meta.put("version", "0.9.0");
        meta.put("correlation_id", "c-1");
        old.put("metadata", meta);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        BinaryEncoder enc = EncoderFactory.get().directBinaryEncoder(body, null);
        new GenericDatumWriter<GenericRecord>(previous).write(old, enc);
        enc.flush();
        // The previous release wrote format 1, with and (older still) without the format byte.
        ByteArrayOutputStream marked = new ByteArrayOutputStream();
        marked.write(SpoolRecord.LAYOUT_WITH_FORMAT);
        marked.write(header());
        marked.write(1);
        marked.write(body.toByteArray());
        writeSegment(dir, List.of(legacyRecord(body.toByteArray()), marked.toByteArray()));

        // This release: the current Metric is format 2, the previous schema kept as format 1.
        VersionedAvroCodec<Metric> next = new VersionedAvroCodec<>(Metric.class, List.of(previous));
        try (DiskSpool spool = new DiskSpool(dir, 1 << 20, 1 << 16, next)) {
            List<SpoolEntry> read = spool.read(10);
            assertEquals(0, spool.corruptCount(), "the backlog survives the upgrade");
            Metric expected = metric(1, Map.of());
            assertEquals(List.of(expected, expected), read.stream().map(e -> e.record().value()).toList());

            Metric fresh = metric(2, Map.of("environment", "prod"));
            spool.append(List.of(new SpoolRecord(TOPIC, "pg-1", fresh)));
            assertEquals(fresh, spool.read(10).get(0).record().value(), "new records in the new format");
        }
    }

    @Test
    void aRecordFromANewerReleaseIsCountedAsUnreadableNotMisread(@TempDir Path dir) throws IOException {
        ByteArrayOutputStream newer = new ByteArrayOutputStream();
        newer.write(SpoolRecord.LAYOUT_WITH_FORMAT);
        newer.write(header());
        newer.write(SpoolRecord.CODEC.format() + 1);
        newer.write(new byte[] {1, 2, 3});
        writeSegment(dir, List.of(newer.toByteArray()));
        try (DiskSpool spool = new DiskSpool(dir, 1 << 20)) {
            assertTrue(spool.read(10).isEmpty());
            assertEquals(1, spool.corruptCount());
        }
    }

    @Test
    void aChangedMetricSchemaKeepsThePreviousOneForTheSpool() {
        assertEquals(CURRENT_METRIC_FINGERPRINT, SchemaNormalization.parsingFingerprint64(SpoolRecord.CODEC.schema()),
                "Metric.avsc changed: copy the previous Metric.avsc to collectors/src/main/resources/com/gds/alerting/"
                        + "collectors/spool/Metric.format" + SpoolRecord.CODEC.format() + ".avsc (so spools written by the "
                        + "previous release are still read), then update this fingerprint");
    }

    private static byte[] header() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String s : List.of(TOPIC, "pg-1")) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            out.write(b.length >>> 8);
            out.write(b.length);
            out.write(b, 0, b.length);
        }
        return out.toByteArray();
    }

    private static byte[] legacyRecord(byte[] body) {
        byte[] h = header();
        return ByteBuffer.allocate(h.length + body.length).put(h).put(body).array();
    }

    /** One segment file in the spool's framing, {@code [length][crc32c][record]}. */
    private static void writeSegment(Path dir, List<byte[]> records) throws IOException {
        List<byte[]> framed = new ArrayList<>();
        int total = 0;
        for (byte[] r : records) {
            CRC32C crc = new CRC32C();
            crc.update(r);
            framed.add(ByteBuffer.allocate(8 + r.length).putInt(r.length).putInt((int) crc.getValue()).put(r).array());
            total += 8 + r.length;
        }
        ByteBuffer all = ByteBuffer.allocate(total);
        framed.forEach(all::put);
        Files.createDirectories(dir);
        Files.write(dir.resolve("0000000000000001.seg"), all.array());
    }
}
