package com.gds.alerting.collectors.spool;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.util.ClassSecurityValidator;

import com.gds.alerting.avro.Metric;

/**
 * One record waiting to go to Kafka: topic, key and the metric. On disk the metric is plain Avro
 * binary of the current schema, not the registry's wire format, so records can be spooled while the
 * registry is unreachable too; the registry id is looked up when the record is sent.
 *
 * @param topic the metrics topic
 * @param key   the instance id
 * @param value the metric
 */
public record SpoolRecord(String topic, String key, Metric value) {

    static {
        // Avro 1.12.1+ only instantiates generated classes from trusted packages.
        ClassSecurityValidator.setGlobal(ClassSecurityValidator.composite(ClassSecurityValidator.getGlobal(),
                c -> c.getPackageName().equals(Metric.class.getPackageName())));
    }

    private static final SpecificDatumWriter<Metric> WRITER = new SpecificDatumWriter<>(Metric.class);
    private static final SpecificDatumReader<Metric> READER = new SpecificDatumReader<>(Metric.class);

    /** topic length, topic, key length, key, Avro body. */
    byte[] encode() {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream(256);
            writeString(out, topic);
            writeString(out, key);
            BinaryEncoder enc = EncoderFactory.get().directBinaryEncoder(out, null);
            synchronized (WRITER) {
                WRITER.write(value, enc);
            }
            enc.flush();
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode a spool record", e);
        }
    }

    static SpoolRecord decode(byte[] bytes) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        String topic = readString(buf);
        String key = readString(buf);
        BinaryDecoder dec = DecoderFactory.get().binaryDecoder(bytes, buf.position(), buf.remaining(), null);
        Metric metric;
        synchronized (READER) {
            metric = READER.read(null, dec);
        }
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
