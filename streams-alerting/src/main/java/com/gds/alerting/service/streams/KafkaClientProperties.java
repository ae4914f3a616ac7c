package com.gds.alerting.service.streams;

import java.util.HashMap;
import java.util.Map;

import io.micronaut.context.env.Environment;
import io.micronaut.core.naming.conventions.StringConvention;
import jakarta.inject.Singleton;

import com.gds.alerting.contract.GdsTopics;

/**
 * The pass-through configuration: {@code kafka.*} goes to every Kafka client as it is (so SASL,
 * TLS and anything else a cluster needs work without code), {@code gds.serde.*} to the Avro
 * serdes (Confluent keys: {@code schema.registry.url}, ...), {@code gds.topics.*} names the topics.
 */
@Singleton
public class KafkaClientProperties {

    private final Map<String, Object> kafka;
    private final Map<String, Object> serde;
    private final GdsTopics topics;

    public KafkaClientProperties(Environment environment) {
        this.kafka = raw(environment, "kafka");
        this.serde = raw(environment, "gds.serde");
        Map<String, Object> topicConfig = new HashMap<>();
        raw(environment, "gds.topics").forEach((k, v) -> topicConfig.put(GdsTopics.CONFIG_PREFIX + k, v));
        this.topics = GdsTopics.fromConfig(topicConfig);
    }

    private static Map<String, Object> raw(Environment environment, String prefix) {
        Map<String, Object> values = new HashMap<>();
        environment.getProperties(prefix, StringConvention.RAW).forEach((k, v) -> values.put(k, v == null ? null : v.toString()));
        return values;
    }

    /** Client properties ({@code bootstrap.servers}, {@code security.protocol}, ...). */
    public Map<String, Object> kafka() {
        return Map.copyOf(kafka);
    }

    /** Avro serde configuration. */
    public Map<String, Object> serde() {
        return Map.copyOf(serde);
    }

    public GdsTopics topics() {
        return topics;
    }
}
