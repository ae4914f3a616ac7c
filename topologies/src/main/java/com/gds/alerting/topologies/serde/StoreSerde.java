package com.gds.alerting.topologies.serde;

import java.io.ByteArrayOutputStream;
import java.io.IOException;

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
 * round trip per store write would be waste). A schema change bumps {@link #FORMAT} and keeps the
 * old schema readable here.
 *
 * @param <T> the generated record class
 */
public final class StoreSerde<T extends SpecificRecord> implements Serde<T> {

    /** Version of the bytes: 1 = Avro binary of the class's schema as of this release. */
    public static final byte FORMAT = 1;

    private final Schema schema;
    private final SpecificDatumWriter<T> writer;
    private final SpecificDatumReader<T> reader;

    private StoreSerde(Class<T> type) {
        AvroClassTrust.trust(type);
        this.schema = SpecificData.get().getSchema(type);
        this.writer = new SpecificDatumWriter<>(schema);
        this.reader = new SpecificDatumReader<>(schema);
    }

    public static <T extends SpecificRecord> StoreSerde<T> of(Class<T> type) {
        return new StoreSerde<>(type);
    }

    /** Encodes a record (thread-safe). */
    public byte[] encode(T value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        out.write(FORMAT);
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
        try {
            writer.write(value, encoder);
            encoder.flush();
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("cannot encode " + schema.getName() + " for a state store: " + e, e);
        }
        return out.toByteArray();
    }

    /** Decodes bytes written by {@link #encode} (thread-safe). */
    public T decode(byte[] bytes) {
        if (bytes.length == 0 || bytes[0] != FORMAT) {
            throw new SerializationException("state store value of " + schema.getName() + " has format "
                    + (bytes.length == 0 ? "<empty>" : Byte.toString(bytes[0])) + ", this release reads format " + FORMAT);
        }
        BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(bytes, 1, bytes.length - 1, null);
        try {
            return reader.read(null, decoder);
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("cannot decode " + schema.getName() + " from a state store: " + e, e);
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
