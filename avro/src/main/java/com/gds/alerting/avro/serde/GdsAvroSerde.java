package com.gds.alerting.avro.serde;

import java.util.Map;

import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.avro.specific.SpecificRecord;

/** {@link GdsAvroSerializer} and {@link GdsAvroDeserializer} of one generated record class. */
public class GdsAvroSerde<T extends SpecificRecord> implements Serde<T> {

    private final GdsAvroSerializer<T> serializer;
    private final GdsAvroDeserializer<T> deserializer;

    /** A serde of {@code type}; {@link #configure} supplies the registry. */
    public GdsAvroSerde(Class<T> type) {
        this.serializer = new GdsAvroSerializer<>();
        this.deserializer = new GdsAvroDeserializer<>(type);
    }

    /** A serde of {@code type} on an existing registry client. */
    public GdsAvroSerde(Class<T> type, SchemaRegistryClient registry) {
        this.serializer = new GdsAvroSerializer<>(registry);
        this.deserializer = new GdsAvroDeserializer<>(type, registry);
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        serializer.configure(configs, isKey);
        deserializer.configure(configs, isKey);
    }

    @Override
    public Serializer<T> serializer() {
        return serializer;
    }

    @Override
    public Deserializer<T> deserializer() {
        return deserializer;
    }

    @Override
    public void close() {
        serializer.close();
        deserializer.close();
    }
}
