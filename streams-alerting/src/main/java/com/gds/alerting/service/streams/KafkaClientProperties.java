package com.gds.alerting.service.streams;

import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import org.apache.kafka.clients.CommonClientConfigs;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.micronaut.context.env.Environment;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import com.gds.alerting.avro.serde.AvroSerdeConfig;
import com.gds.alerting.contract.GdsTopics;

/**
 * The pass-through configuration: {@code kafka.*} goes to every Kafka client as it is (so SASL,
 * TLS and anything else a cluster needs work without code), {@code gds.serde.*} to the Avro
 * serdes (Confluent keys: {@code schema.registry.url}, ...), {@code gds.topics.*} names the topics.
 * Each is read from {@code application.yml}, environment variables ({@code KAFKA_BOOTSTRAP_SERVERS},
 * {@code GDS_SERDE_SCHEMA_REGISTRY_URL}, {@code GDS_TOPICS_COMMAND_RESULTS}) and {@code -D} system
 * properties, with Micronaut's precedence ({@link PassThroughConfig}).
 */
@Singleton
public class KafkaClientProperties {

    /** The keys of {@code gds.topics.*} ({@link GdsTopics#fromConfig}). */
    static final List<String> TOPIC_KEYS = List.of("metrics-prefix", "rules", "silences", "commands", "events",
            "dlq-metrics", "dlq-notifications", "dlq-rules", "rules-accepted", "command-results", "dlq-commands",
            "shadow-events");

    private static final Logger LOG = LoggerFactory.getLogger(KafkaClientProperties.class);

    private final Map<String, Object> kafka;
    private final Map<String, Object> serde;
    private final GdsTopics topics;

    @Inject
    public KafkaClientProperties(Environment environment) {
        this.kafka = Map.copyOf(PassThroughConfig.read(environment, "kafka"));
        this.serde = Map.copyOf(PassThroughConfig.read(environment, "gds.serde"));
        Map<String, Object> topicConfig = new HashMap<>();
        for (String key : TOPIC_KEYS) {
            environment.getProperty("gds.topics." + key, String.class)
                    .ifPresent(name -> topicConfig.put(GdsTopics.CONFIG_PREFIX + key, name));
        }
        TreeSet<String> unknown = new TreeSet<>();
        for (String key : PassThroughConfig.read(environment, "gds.topics").keySet()) {
            if (!TOPIC_KEYS.contains(key.replace('.', '-'))) {
                unknown.add(key);
            }
        }
        if (!unknown.isEmpty()) {
            LOG.warn("gds.topics has no key(s) {}: ignored; the keys are {}", unknown, TOPIC_KEYS);
        }
        this.topics = GdsTopics.fromConfig(topicConfig);
    }

    /** Client properties ({@code bootstrap.servers}, {@code security.protocol}, ...). */
    public Map<String, Object> kafka() {
        return kafka;
    }

    /** Avro serde configuration. */
    public Map<String, Object> serde() {
        return serde;
    }

    public GdsTopics topics() {
        return topics;
    }

    /** {@code bootstrap.servers} as the clients get it (null when unset). */
    public String bootstrapServers() {
        Object servers = kafka.get(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG);
        return servers == null ? null : servers.toString();
    }

    /** The schema registry URL, with any user:password in it replaced by {@code ***}, for logs. */
    public String registryUrlForLogs() {
        Object url = serde.get(AvroSerdeConfig.SCHEMA_REGISTRY_URL);
        if (url == null) {
            return null;
        }
        StringBuilder out = new StringBuilder();
        for (String one : url.toString().split(",")) {
            if (!out.isEmpty()) {
                out.append(',');
            }
            out.append(withoutUserInfo(one.trim()));
        }
        return out.toString();
    }

    private static String withoutUserInfo(String url) {
        try {
            URI uri = URI.create(url);
            if (uri.getRawUserInfo() == null) {
                return url;
            }
            return url.replace(uri.getRawUserInfo() + "@", "***@");
        } catch (IllegalArgumentException e) {
            return url.replaceAll("//[^/@]*@", "//***@");
        }
    }
}
