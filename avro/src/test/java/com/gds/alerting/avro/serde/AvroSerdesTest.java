package com.gds.alerting.avro.serde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.junit.jupiter.api.Test;

import com.gds.alerting.avro.Metric;

class AvroSerdesTest {

    /** Stands in for Confluent's SpecificAvroSerde: a Serde with a public no-arg constructor. */
    public static final class RecordingSerde extends Serdes.WrapperSerde<Object> {
        static Map<String, ?> lastConfig;
        static Boolean lastIsKey;

        public RecordingSerde() {
            super((topic, data) -> new byte[0], (topic, data) -> null);
        }

        @Override
        public void configure(Map<String, ?> configs, boolean isKey) {
            lastConfig = configs;
            lastIsKey = isKey;
        }
    }

    @Test
    void defaultsToTheBuiltInSerde() {
        assertInstanceOf(GdsAvroSerde.class,
                AvroSerdes.valueSerde(Metric.class, Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, "mem://serdes-test")));
    }

    @Test
    void configurationAloneSwapsInAnotherSerdeClassWithTheSameProperties() {
        Map<String, Object> config = Map.of(
                AvroSerdeConfig.SCHEMA_REGISTRY_URL, "http://registry:8081",
                AvroSerdeConfig.SERDE_CLASS, RecordingSerde.class.getName());
        Serde<Metric> serde = AvroSerdes.valueSerde(Metric.class, config);
        assertInstanceOf(RecordingSerde.class, serde);
        assertSame(config, RecordingSerde.lastConfig);
        assertEquals(false, RecordingSerde.lastIsKey);
    }

    @Test
    void aSerdeClassThatIsNotOnTheClasspathIsNamed() {
        ConfigException e = assertThrows(ConfigException.class, () -> AvroSerdes.valueSerde(Metric.class, Map.of(
                AvroSerdeConfig.SCHEMA_REGISTRY_URL, "http://registry:8081",
                AvroSerdeConfig.SERDE_CLASS, "io.confluent.kafka.streams.serdes.avro.SpecificAvroSerde")));
        assertTrue(e.getMessage().contains("io.confluent.kafka.streams.serdes.avro.SpecificAvroSerde"), e.getMessage());
        assertTrue(e.getMessage().contains(AvroSerdeConfig.SERDE_CLASS), e.getMessage());
    }

    @Test
    void aSerdeClassThatIsNotASerdeIsRefused() {
        ConfigException e = assertThrows(ConfigException.class, () -> AvroSerdes.valueSerde(Metric.class, Map.of(
                AvroSerdeConfig.SCHEMA_REGISTRY_URL, "http://registry:8081",
                AvroSerdeConfig.SERDE_CLASS, String.class.getName())));
        assertTrue(e.getMessage().contains("is not an org.apache.kafka.common.serialization.Serde"), e.getMessage());
    }
}
