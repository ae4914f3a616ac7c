package com.gds.alerting.topologies.serde;

import java.io.ByteArrayOutputStream;
import java.io.IOException;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

import com.gds.alerting.avro.serde.VersionedAvroCodec;

/**
 * Serde of the topology's own store values: Avro binary behind one format-version byte, no
 * schema registry (stores and their changelogs are private to the application, and a registry
 * round trip per store write would be waste).
 *
 * <p>The format byte and schema resolution are {@link VersionedAvroCodec}'s (shared with the
 * collector's disk spool). Each record type has its own format number: 1 plus the number of its
 * earlier schemas kept as resources next to this class ({@code <Record>.format<N>.avsc}, never edited once released).
 * Values are always written in the current format; values of an earlier format (a changelog or a
 * local RocksDB written by the previous release) are read through Avro schema resolution, so a
 * schema change adds fields with defaults and keeps the old schema file.
 *
 * @param <T> the generated record class
 */
public final class StoreSerde<T extends SpecificRecord> implements Serde<T> {

    private final VersionedAvroCodec<T> codec;

    private StoreSerde(Class<T> type) {
        this.codec = VersionedAvroCodec.of(type, StoreSerde.class);
    }

    public static <T extends SpecificRecord> StoreSerde<T> of(Class<T> type) {
        return new StoreSerde<>(type);
    }

    /** The format this release writes for the type. */
    public byte format() {
        return codec.format();
    }

    /** Encodes a record in the current format (thread-safe). */
    public byte[] encode(T value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try {
            codec.encode(value, out);
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("cannot encode " + codec.schema().getName() + " for a state store: " + e, e);
        }
        return out.toByteArray();
    }

    /** Decodes bytes written by {@link #encode} of this or an earlier release (thread-safe). */
    public T decode(byte[] bytes) {
        try {
            return codec.decode(bytes, 0);
        } catch (IOException e) {
            throw new SerializationException("state store value: " + e.getMessage(), e);
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
