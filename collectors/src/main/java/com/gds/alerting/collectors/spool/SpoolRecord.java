package com.gds.alerting.collectors.spool;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import com.gds.alerting.avro.Metric;
import com.gds.alerting.avro.serde.VersionedAvroCodec;

/**
 * One record waiting to go to Kafka: topic, key and the metric. On disk the metric is Avro
 * binary, not the registry's wire format, so records can be spooled while the registry is
 * unreachable too; the registry id is looked up when the record is sent.
 *
 * <p>Layout: {@code [1][topic length][topic][key length][key][format][Avro body]}, where the
 * format byte names the writer's {@code Metric} schema ({@link VersionedAvroCodec}: the schemas of
 * earlier formats are kept as {@code Metric.format<N>.avsc} next to this class), so a spool
 * written by the previous release is read after an upgrade that changed the schema. Records of
 * releases before the format byte start with the topic length, whose first byte is 0 (topic names
 * are at most 249 bytes): they are read as format 1.
 *
 * @param topic the metrics topic
 * @param key   the instance id
 * @param value the metric
 */
public record SpoolRecord(String topic, String key, Metric value) {

    /** The first byte of records that carry their writer schema's format. */
    static final byte LAYOUT_WITH_FORMAT = 1;
    /** The first byte of records written before the spool recorded the writer schema. */
    static final byte LAYOUT_LEGACY = 0;

    /** This release's codec: its current {@code Metric} schema, and the earlier ones it reads. */
    public static final VersionedAvroCodec<Metric> CODEC = VersionedAvroCodec.of(Metric.class, SpoolRecord.class);

    byte[] encode(VersionedAvroCodec<Metric> codec) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream(256);
            out.write(LAYOUT_WITH_FORMAT);
            writeString(out, topic);
            writeString(out, key);
            codec.encode(value, out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode a spool record", e);
        }
    }

    static SpoolRecord decode(byte[] bytes, VersionedAvroCodec<Metric> codec) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        boolean legacy = bytes.length > 0 && bytes[0] == LAYOUT_LEGACY;
        if (!legacy) {
            byte layout = buf.get();
            if (layout != LAYOUT_WITH_FORMAT) {
                throw new IOException("unknown spool record layout " + layout + " (a newer release wrote it?)");
            }
        }
        String topic = readString(buf);
        String key = readString(buf);
        Metric metric = legacy ? codec.decode((byte) 1, bytes, buf.position()) : codec.decode(bytes, buf.position());
        return new SpoolRecord(topic, key, metric);
    }
    private static void writeString(ByteArrayOutputStream out, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.write(b.length >>> 8);
        out.write(b.length);
        out.write(b, 0, b.length);
    }

    private static String readString(ByteBuffer buf) {
        int len = buf.getShort() & 0xffff;
        byte[] b = new byte[len];
        buf.get(b);
        return new String(b, StandardCharsets.UTF_8);
    }
}
