package com.gds.alerting.avro.serde;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.serialization.Deserializer;

import com.gds.alerting.avro.serde.InvalidAvroPayloadException.Reason;

/**
 * Reads Confluent wire-format payloads into a generated record class, resolving the writer's
 * schema (looked up by id) against the class's schema, so records written with an older or newer
 * compatible schema read fine.
 *
 * <p>Errors: a payload that can never be read throws {@link InvalidAvroPayloadException} (route it
 * to a dead-letter topic); a registry that cannot be reached throws {@link
 * SchemaRegistryException} (retry later; the record is fine).
 *
 * @param <T> the generated record class
 */
public class GdsAvroDeserializer<T extends SpecificRecord> implements Deserializer<T> {

    private Class<T> type;
    private Schema readerSchema;
    private SpecificData model;
    private SchemaRegistryClient registry;
    private final Map<Integer, DatumReader<T>> readers = new ConcurrentHashMap<>();

    /** For configuration by class name: {@code specific.avro.value.type} names the class. */
    public GdsAvroDeserializer() {
    }

    /** A deserializer of {@code type}; {@link #configure} supplies the registry. */
    public GdsAvroDeserializer(Class<T> type) {
        setType(type);
    }

    /** A deserializer of {@code type} on {@code registry}. */
    public GdsAvroDeserializer(Class<T> type, SchemaRegistryClient registry) {
        setType(type);
        this.registry = registry;
    }

    @Override
    @SuppressWarnings("unchecked")
    public void configure(Map<String, ?> configs, boolean isKey) {
        AvroSerdeConfig config = new AvroSerdeConfig(configs);
        if (type == null) {
            Class<?> configured = config.getClass(AvroSerdeConfig.SPECIFIC_VALUE_TYPE);
            if (configured == null || !SpecificRecord.class.isAssignableFrom(configured)) {
                throw new ConfigException(AvroSerdeConfig.SPECIFIC_VALUE_TYPE, configured,
                        "GdsAvroDeserializer created by class name needs a generated record class here");
            }
            setType((Class<T>) configured);
        }
        this.registry = SchemaRegistryClients.create(config);
    }

    private void setType(Class<T> type) {
        AvroClassTrust.trust(type);
        this.type = type;
        this.model = SpecificData.getForClass(type);
        this.readerSchema = model.getSchema(type);
    }

    static {
        AvroDecodeLimits.install();
    }

    @Override
    public T deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        if (registry == null) {
            throw new IllegalStateException("GdsAvroDeserializer is not configured: call configure() with "
                    + AvroSerdeConfig.SCHEMA_REGISTRY_URL);
        }
        if (data.length < WireFormat.HEADER_SIZE) {
            throw new InvalidAvroPayloadException(Reason.TOO_SHORT, topic, null,
                    data.length + " byte(s), the Confluent header alone is " + WireFormat.HEADER_SIZE, null);
        }
        if (data[0] != WireFormat.MAGIC_BYTE) {
            throw new InvalidAvroPayloadException(Reason.WRONG_MAGIC_BYTE, topic, null,
                    String.format("byte 0 is 0x%02x, expected 0x00 (not Confluent wire format)", data[0]), null);
        }
        int id = ByteBuffer.wrap(data, 1, 4).getInt();
        DatumReader<T> reader = readers.computeIfAbsent(id, i -> readerFor(topic, i));
        BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(data, WireFormat.HEADER_SIZE,
                data.length - WireFormat.HEADER_SIZE, null);
        T record;
        try {
            record = reader.read(null, decoder);
        } catch (EOFException e) {
            throw new InvalidAvroPayloadException(Reason.TRUNCATED_BODY, topic, id,
                    "the body ends before the " + readerSchema.getName() + " record does", e);
        } catch (IOException | RuntimeException e) {
            // Any failure while reading the body is the payload's fault: Avro throws many kinds
            // (UnsupportedOperationException for a 2 GiB length, SystemLimitException, ...).
            throw new InvalidAvroPayloadException(Reason.MALFORMED_BODY, topic, id,
                    "cannot decode a " + readerSchema.getName() + ": " + e, e);
        }
        try {
            if (!decoder.isEnd()) {
                throw new InvalidAvroPayloadException(Reason.MALFORMED_BODY, topic, id,
                        "bytes left over after the " + readerSchema.getName() + " record", null);
            }
        } catch (IOException e) {
            throw new InvalidAvroPayloadException(Reason.MALFORMED_BODY, topic, id, e.toString(), e);
        }
        return record;
    }

    private DatumReader<T> readerFor(String topic, int id) {
        Schema writer;
        try {
            writer = registry.schemaById(id);
        } catch (SchemaRegistryException e) {
            if (e.isNotFound()) {
                throw new InvalidAvroPayloadException(Reason.UNKNOWN_SCHEMA_ID, topic, id,
                        "registry " + registry.location() + " has no schema with this id", e);
            }
            throw e;
        }
        SchemaCompatibility.SchemaPairCompatibility compatibility =
                SchemaCompatibility.checkReaderWriterCompatibility(readerSchema, writer);
        if (compatibility.getType() != SchemaCompatibilityType.COMPATIBLE) {
            throw new InvalidAvroPayloadException(Reason.INCOMPATIBLE_SCHEMA, topic, id,
                    "written as " + writer.getFullName() + ", which cannot be read as " + type.getName() + ": "
                            + compatibility.getDescription(), null);
        }
        return new SpecificDatumReader<>(writer, readerSchema, model);
    }

    @Override
    public void close() {
        if (registry != null) {
            registry.close();
        }
    }
}
