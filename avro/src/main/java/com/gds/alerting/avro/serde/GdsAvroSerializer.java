package com.gds.alerting.avro.serde;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Writes Avro records in the Confluent wire format under the subject {@code <topic>-value} (or
 * {@code -key}). A null record is written as null, so tombstones pass through.
 *
 * @param <T> generated record type (generic records work too)
 */
public class GdsAvroSerializer<T extends IndexedRecord> implements Serializer<T> {

    private SchemaRegistryClient registry;
    private boolean isKey;
    private boolean autoRegister = true;
    private boolean useLatest;
    private final Map<Schema, DatumWriter<T>> writers = new ConcurrentHashMap<>();

    /** For configuration by class name; {@link #configure} must follow. */
    public GdsAvroSerializer() {
    }

    /** A serializer on {@code registry}, registering schemas on first use. */
    public GdsAvroSerializer(SchemaRegistryClient registry) {
        this.registry = registry;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        AvroSerdeConfig config = new AvroSerdeConfig(configs);
        this.registry = SchemaRegistryClients.create(config);
        this.isKey = isKey;
        this.autoRegister = config.autoRegister();
        this.useLatest = config.useLatestVersion();
    }

    @Override
    public byte[] serialize(String topic, T record) {
        if (record == null) {
            return null;
        }
        if (registry == null) {
            throw new IllegalStateException("GdsAvroSerializer is not configured: call configure() with "
                    + AvroSerdeConfig.SCHEMA_REGISTRY_URL);
        }
        Schema schema = record.getSchema();
        String subject = WireFormat.subject(topic, isKey);
        int id = schemaId(subject, schema);
        ByteArrayOutputStream out = new ByteArrayOutputStream(128);
        out.write(WireFormat.MAGIC_BYTE);
        out.writeBytes(ByteBuffer.allocate(4).putInt(id).array());
        try {
            BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
            writer(record, schema).write(record, encoder);
            encoder.flush();
        } catch (IOException | AvroRuntimeException | NullPointerException | ClassCastException e) {
            throw new SerializationException("cannot serialize " + schema.getFullName() + " for topic '" + topic
                    + "': " + e.getMessage(), e);
        }
        return out.toByteArray();
    }

    private int schemaId(String subject, Schema schema) {
        try {
            if (autoRegister) {
                return registry.register(subject, schema);
            }
            if (useLatest) {
                return registry.latest(subject).id();
            }
            return registry.idOf(subject, schema);
        } catch (SchemaRegistryException e) {
            String action = autoRegister ? "register" : "look up";
            throw new SerializationException("cannot " + action + " the schema of " + schema.getFullName()
                    + " under subject '" + subject + "': " + e.getMessage(), e);
        }
    }

    @SuppressWarnings("unchecked")
    private DatumWriter<T> writer(T record, Schema schema) {
        return writers.computeIfAbsent(schema, s -> {
            GenericData model = GenericData.get();
            if (record instanceof SpecificRecord) {
                AvroClassTrust.trust(record.getClass());
                model = SpecificData.getForClass(record.getClass());
            }
            return (DatumWriter<T>) model.createDatumWriter(s);
        });
    }

    @Override
    public void close() {
        if (registry != null) {
            registry.close();
        }
    }
}
