package com.gds.alerting.topologies.serde;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;

import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

import com.gds.alerting.avro.serde.AvroClassTrust;

/**
 * Serde of the topology's own store values: Avro binary behind one format-version byte, no
 * schema registry (stores and their changelogs are private to the application, and a registry
 * round trip per store write would be waste).
 *
 * <p>Each record type has its own format number: 1 plus the number of its earlier schemas kept as
 * resources next to this class ({@code <Record>.format<N>.avsc}, never edited once released).
 * Values are always written in the current format; values of an earlier format (a changelog or a
 * local RocksDB written by the previous release) are read through Avro schema resolution, so a
 * schema change adds fields with defaults and keeps the old schema file.
 *
 * @param <T> the generated record class
 */
public final class StoreSerde<T extends SpecificRecord> implements Serde<T> {

    private final Schema schema;
    private final byte format;
    private final SpecificDatumWriter<T> writer;
    private final SpecificDatumReader<T> reader;
    private final Map<Byte, SpecificDatumReader<T>> olderReaders;

    private StoreSerde(Class<T> type) {
        AvroClassTrust.trust(type);
        this.schema = SpecificData.get().getSchema(type);
        this.writer = new SpecificDatumWriter<>(schema);
        this.reader = new SpecificDatumReader<>(schema);
        Map<Byte, SpecificDatumReader<T>> older = new HashMap<>();
        for (byte n = 1; ; n++) {
            Schema old = earlierSchema(type, n);
            if (old == null) {
                this.format = n;
                break;
            }
            older.put(n, new SpecificDatumReader<>(old, schema));
        }
        this.olderReaders = Map.copyOf(older);
    }

    public static <T extends SpecificRecord> StoreSerde<T> of(Class<T> type) {
        return new StoreSerde<>(type);
    }

    /** The format this release writes for the type. */
    public byte format() {
        return format;
    }

    private static Schema earlierSchema(Class<?> type, byte n) {
        String resource = type.getSimpleName() + ".format" + n + ".avsc";
        try (InputStream in = StoreSerde.class.getResourceAsStream(resource)) {
            return in == null ? null : new Schema.Parser().parse(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the earlier store schema " + resource, e);
        }
    }

    /** Encodes a record in the current format (thread-safe). */
    public byte[] encode(T value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        out.write(format);
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
        try {
            writer.write(value, encoder);
            encoder.flush();
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("cannot encode " + schema.getName() + " for a state store: " + e, e);
        }
        return out.toByteArray();
    }

    /** Decodes bytes written by {@link #encode} of this or an earlier release (thread-safe). */
    public T decode(byte[] bytes) {
        SpecificDatumReader<T> r = bytes.length == 0 ? null : bytes[0] == format ? reader : olderReaders.get(bytes[0]);
        if (r == null) {
            throw new SerializationException("state store value of " + schema.getName() + " has format "
                    + (bytes.length == 0 ? "<empty>" : Byte.toString(bytes[0])) + ", this release reads formats 1 to " + format
                    + " (a newer release wrote it?)");
        }
        BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(bytes, 1, bytes.length - 1, null);
        try {
            return r.read(null, decoder);
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("cannot decode " + schema.getName() + " (format " + bytes[0]
                    + ") from a state store: " + e, e);
        }
    }

    @Override
    public Serializer<T> serializer() {
        return (topic, value) -> value == null ? null : encode(value);
    }

    @Override
    public Deserializer<T> deserializer() {
        return (topic, bytes) -> bytes == null ? null : decode(bytes);
    }
}
