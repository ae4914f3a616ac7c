package com.gds.alerting.rulescli.publish;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import com.gds.alerting.avro.Rule;
import com.gds.alerting.avro.serde.AvroSerdes;

/**
 * The rules currently on the compacted rules topic: read from the beginning up to the end offsets
 * taken at the start (so a concurrent writer cannot make it read forever), last value per key
 * wins, a tombstone deletes. No consumer group: nothing is committed.
 */
public final class TopicRules {

    private TopicRules() {
    }

    /**
     * Reads {@code topic}; values that do not decode are reported on {@code err} and skipped
     * (publishing overwrites them).
     *
     * @throws IllegalStateException when the topic does not exist
     */
    public static Map<String, Rule> read(String bootstrap, String topic, Map<String, Object> serdeConfig, Duration timeout,
                                        PrintWriter err) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        Deserializer<Rule> values = AvroSerdes.valueSerde(Rule.class, serdeConfig).deserializer();
        Map<String, Rule> rules = new HashMap<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
            if (infos == null || infos.isEmpty()) {
                throw new IllegalStateException("topic '" + topic + "' does not exist on " + bootstrap
                        + "; create it (cleanup.policy=compact) or pass --topic");
            }
            List<TopicPartition> partitions = infos.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
            Instant deadline = Instant.now().plus(timeout);
            while (!caughtUp(consumer, end)) {
                if (Instant.now().isAfter(deadline)) {
                    throw new IllegalStateException("could not read '" + topic + "' to its end within " + timeout);
                }
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.value() == null) {
                        rules.remove(r.key());
                        continue;
                    }
                    try {
                        rules.put(r.key(), values.deserialize(topic, r.value()));
                    } catch (RuntimeException e) {
                        err.println("warning: " + topic + "-" + r.partition() + "@" + r.offset() + " (key " + r.key()
                                + ") does not decode as a Rule (" + e.getMessage() + "); it is treated as absent");
                        rules.remove(r.key());
                    }
                }
            }
        }
        return rules;
    }

    private static boolean caughtUp(KafkaConsumer<?, ?> consumer, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }
}
