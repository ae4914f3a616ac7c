package com.gds.alerting.service.selfmonitor;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.gds.alerting.avro.Rule;
import com.gds.alerting.avro.serde.AvroSerdes;

/**
 * Puts the built-in rules on the rules topic: a rule is published when its id is absent (never
 * published, or deleted) or when the version there is the service's own ({@code managed_by}) and
 * differs from what {@code gds.self-monitor.*} now says, so a changed threshold is honoured at the
 * next start. A rule of the same id published by someone else (without the label) is theirs and
 * is left as it is. Reads the compacted topic to its end without a consumer group.
 */
final class RuleSeeder {

    private static final Logger LOG = LoggerFactory.getLogger(RuleSeeder.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final Map<String, Object> kafka;
    private final Map<String, Object> serde;
    private final String topic;

    RuleSeeder(Map<String, Object> kafka, Map<String, Object> serde, String topic) {
        this.kafka = kafka;
        this.serde = serde;
        this.topic = topic;
    }

    /** Publishes what is absent or out of date; returns the ids published. */
    List<String> seed(List<Rule> builtIn) {
        Map<String, Rule> current = read();
        List<Rule> publish = new ArrayList<>();
        for (Rule rule : builtIn) {
            Rule there = current.get(rule.getRuleId().toString());
            if (there == null) {
                publish.add(rule);
            } else if (BuiltInRules.managed(there) && !there.equals(rule)) {
                publish.add(rule);
            } else if (!BuiltInRules.managed(there)) {
                LOG.info("built-in rule {} is left as published by someone else (no {}={} label)", rule.getRuleId(),
                        BuiltInRules.MANAGED_BY, BuiltInRules.MANAGER);
            }
        }
        if (publish.isEmpty()) {
            return List.of();
        }
        Map<String, Object> config = new HashMap<>(kafka);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        try (KafkaProducer<String, Rule> producer = new KafkaProducer<>(config, new StringSerializer(),
                AvroSerdes.valueSerde(Rule.class, serde).serializer())) {
            for (Rule rule : publish) {
                producer.send(new ProducerRecord<>(topic, rule.getRuleId().toString(), rule)).get(TIMEOUT.toSeconds(),
                        TimeUnit.SECONDS);
            }
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot publish the built-in rules to " + topic + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while publishing the built-in rules", e);
        }
        List<String> ids = publish.stream().map(r -> r.getRuleId().toString()).toList();
        LOG.info("built-in rules published to {}: {}", topic, ids);
        return ids;
    }

    private Map<String, Rule> read() {
        Map<String, Object> config = new HashMap<>(kafka);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        Deserializer<Rule> values = AvroSerdes.valueSerde(Rule.class, serde).deserializer();
        Map<String, Rule> rules = new HashMap<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, TIMEOUT);
            if (infos == null || infos.isEmpty()) {
                throw new IllegalStateException("the rules topic " + topic + " does not exist");
            }
            List<TopicPartition> partitions = infos.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, TIMEOUT);
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + topic + " to its end within " + TIMEOUT);
                }
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.key() == null) {
                        continue;
                    }
                    if (r.value() == null) {
                        rules.remove(r.key());
                        continue;
                    }
                    try {
                        rules.put(r.key(), values.deserialize(topic, r.value()));
                    } catch (RuntimeException e) {
                        // Not readable: the topology ignores it too (dead letter); a built-in rule may take the id.
                        rules.remove(r.key());
                    }
                }
            }
        }
        return rules;
    }
}
