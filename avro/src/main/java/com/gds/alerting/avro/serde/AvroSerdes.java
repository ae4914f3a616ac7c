package com.gds.alerting.avro.serde;

import java.lang.reflect.InvocationTargetException;
import java.util.Map;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.serialization.Serde;

/**
 * The one place every module gets its Avro serdes from.
 *
 * <p>By default the built-in {@link GdsAvroSerde}. When the configuration names another serde
 * class in {@value AvroSerdeConfig#SERDE_CLASS} (e.g. {@code
 * io.confluent.kafka.streams.serdes.avro.SpecificAvroSerde}, with Confluent's jars on the
 * classpath), that class is instantiated and configured with the same properties instead: the
 * registry keys are Confluent's, so nothing else changes.
 */
public final class AvroSerdes {

    private AvroSerdes() {
    }

    /** A configured value serde of {@code type}. */
    @SuppressWarnings("unchecked")
    public static <T extends SpecificRecord> Serde<T> valueSerde(Class<T> type, Map<String, ?> config) {
        AvroSerdeConfig parsed = new AvroSerdeConfig(config);
        Class<?> custom = parsed.getClass(AvroSerdeConfig.SERDE_CLASS);
        Serde<T> serde;
        if (custom == null) {
            serde = new GdsAvroSerde<>(type);
        } else {
            if (!Serde.class.isAssignableFrom(custom)) {
                throw new ConfigException(AvroSerdeConfig.SERDE_CLASS, custom.getName(),
                        "is not an org.apache.kafka.common.serialization.Serde");
            }
            AvroClassTrust.trust(type);
            try {
                serde = (Serde<T>) custom.getDeclaredConstructor().newInstance();
            } catch (NoSuchMethodException | InstantiationException | IllegalAccessException
                     | InvocationTargetException e) {
                throw new ConfigException(AvroSerdeConfig.SERDE_CLASS, custom.getName(),
                        "cannot be instantiated with a public no-argument constructor: " + e);
            }
        }
        serde.configure(config, false);
        return serde;
    }
}
