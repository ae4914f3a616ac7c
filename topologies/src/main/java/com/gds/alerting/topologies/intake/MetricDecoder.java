package com.gds.alerting.topologies.intake;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.util.Utf8;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;

import com.gds.alerting.avro.Metric;
import com.gds.alerting.avro.MetricMetadata;
import com.gds.alerting.avro.serde.GdsAvroDeserializer;
import com.gds.alerting.avro.serde.WireFormat;

/**
 * Decodes metric payloads for one intake processor (one stream task, so one thread): a reader of
 * the {@link Metric} layout itself over a reused {@link BinaryDecoder}, with the strings a fleet
 * repeats on every sample (database type, instance id, metric name, tag names and values) taken
 * from a bounded cache of the bytes already seen instead of decoded anew. Used only where it reads
 * exactly what the general reader would: for a payload whose writer schema has the {@link Metric}
 * schema's parsing canonical form (the same binary layout), once the general {@link
 * GdsAvroDeserializer} has read a payload of that schema id. Everything else — another serde, the
 * first payload of each schema id, another writer schema, and any payload this reader cannot read
 * to its end — goes to the general deserializer, so what is refused, and with which reason and
 * message, is the general deserializer's ({@link Decoding}).
 */
public final class MetricDecoder {

    /** Distinct strings kept; past it the cache starts again (a fleet's names and ids repeat: a miss costs a decode). */
    static final int MAX_CACHED_STRINGS = 1 << 16;
    /** Strings longer than this are decoded, never cached (a long tag value is rarely repeated). */
    private static final int MAX_CACHED_LENGTH = 256;
    private static final long METRIC_LAYOUT = SchemaNormalization.parsingFingerprint64(Metric.getClassSchema());

    private final Deserializer<Metric> general;
    private final GdsAvroDeserializer<Metric> gds;
    /** Per schema id: whether the fast reader applies (absent: not yet known). */
    private final Map<Integer, Boolean> sameLayout = new HashMap<>();
    private final Map<Utf8, String> strings = new HashMap<>();
    private final Utf8 scratch = new Utf8();
    private BinaryDecoder decoder;
    private long fastReads;

    @SuppressWarnings("unchecked")
    public MetricDecoder(Deserializer<Metric> general) {
        this.general = general;
        this.gds = general instanceof GdsAvroDeserializer<?> d ? (GdsAvroDeserializer<Metric>) d : null;
    }

    /** The payload as a Metric; a payload that cannot be one throws the intake's refusal, with the general deserializer's reason. */
    public Metric decode(String topic, Headers headers, byte[] bytes) {
        if (gds != null && bytes != null && bytes.length > WireFormat.HEADER_SIZE && bytes[0] == WireFormat.MAGIC_BYTE) {
            int id = ByteBuffer.wrap(bytes, 1, 4).getInt();
            Boolean fast = sameLayout.get(id);
            if (fast == null) {
                Schema writer = gds.readableWriterSchema(id);
                if (writer != null) {
                    fast = SchemaNormalization.parsingFingerprint64(writer) == METRIC_LAYOUT;
                    sameLayout.put(id, fast);
                }
            }
            if (fast == Boolean.TRUE) {
                Metric metric = read(bytes);
                if (metric != null) {
                    fastReads++;
                    return metric;
                }
            }
        }
        return Decoding.decode(general, topic, headers, bytes, "a Metric");
    }

    /** A record key (an instance id) as a String, from the cache when seen before; null for none. */
    String key(byte[] key) {
        if (key == null) {
            return null;
        }
        if (key.length > MAX_CACHED_LENGTH) {
            return new String(key, StandardCharsets.UTF_8);
        }
        return cache(new Utf8(key));
    }

    /** Payloads read by the layout reader so far (for tests and benchmarks). */
    public long fastReads() {
        return fastReads;
    }

    /** The Metric in {@code bytes}, or null when they do not read as one to their end. */
    private Metric read(byte[] bytes) {
        decoder = DecoderFactory.get().binaryDecoder(bytes, WireFormat.HEADER_SIZE, bytes.length - WireFormat.HEADER_SIZE, decoder);
        try {
            Instant timestamp = Instant.ofEpochMilli(decoder.readLong());
            String databaseType = cached();
            String instanceId = cached();
            String metricName = cached();
            double value = decoder.readDouble();
            Map<String, String> tags = new DecodedTags();
            for (long n = decoder.readMapStart(); n != 0; n = decoder.mapNext()) {
                for (long i = 0; i < n; i++) {
                    String key = cached();
                    tags.put(key, cached());
                }
            }
            long duration = decoder.readLong();
            String version = cached();
            String correlationId = decoder.readString();
            if (!decoder.isEnd()) {
                return null;
            }
            return new Metric(timestamp, databaseType, instanceId, metricName, value, tags,
                    new MetricMetadata(duration, version, correlationId));
        } catch (IOException | RuntimeException e) {
            return null; // the general deserializer reads it again and says why it cannot
        }
    }

    /** Whether {@code tags} is a map this decoder made for one record, so the intake may add to it rather than copy it. */
    static boolean ownedByRecord(Map<String, String> tags) {
        return tags instanceof DecodedTags;
    }

    /** The tag map of one record read by {@link #read}: its own, never shared. */
    private static final class DecodedTags extends HashMap<String, String> {
        private static final long serialVersionUID = 1L;
    }

    private String cached() throws IOException {
        Utf8 utf8 = decoder.readString(scratch);
        return utf8.getByteLength() > MAX_CACHED_LENGTH ? utf8.toString() : cache(utf8);
    }

    private String cache(Utf8 utf8) {
        String known = strings.get(utf8);
        if (known != null) {
            return known;
        }
        String decoded = utf8.toString();
        if (strings.size() >= MAX_CACHED_STRINGS) {
            strings.clear();
        }
        strings.put(new Utf8(Arrays.copyOf(utf8.getBytes(), utf8.getByteLength())), decoded);
        return decoded;
    }
}
