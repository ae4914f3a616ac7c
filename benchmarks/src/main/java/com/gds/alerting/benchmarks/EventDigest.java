package com.gds.alerting.benchmarks;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import com.gds.alerting.avro.AlertEvent;
import com.gds.alerting.avro.Transition;
import com.gds.alerting.avro.serde.AvroSerdes;

/**
 * The events a run produced, reduced to what must not depend on Streams settings: per alert key, the
 * ordered transitions with incident, severity, value and event times. Two runs over the same data
 * produced the same events iff their digests are equal. Reminders and escalations are left out: they
 * fire on the wall clock, so how long a run takes decides them, not the data.
 */
record EventDigest(int events, int keys, int wallClockEvents, String sha256) {

    /** Reads {@code topic} to its end and writes the per-key transitions to {@code dump}, for a diff between runs. */
    static EventDigest read(String bootstrap, String topic, Map<String, ?> serdeConfig, java.nio.file.Path dump) throws Exception {
        Deserializer<AlertEvent> deserializer = AvroSerdes.valueSerde(AlertEvent.class, serdeConfig).deserializer();
        Map<String, List<String>> byKey = new TreeMap<>();
        int events = 0;
        int wallClock = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new TimeoutException("events of " + topic + " not read to their end offsets in 2 minutes");
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    AlertEvent e = deserializer.deserialize(topic, record.value());
                    if (e.getTransition() == Transition.REMINDER || e.getTransition() == Transition.ESCALATED) {
                        wallClock++;
                        continue;
                    }
                    events++;
                    byKey.computeIfAbsent(e.getAlertKey(), k -> new ArrayList<>()).add(e.getTransition() + "/" + e.getIncident()
                            + "/" + e.getSeverity() + "/" + e.getValue() + "/" + e.getStartedAt() + "/" + e.getUpdatedAt());
                }
            }
        }
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        StringBuilder text = new StringBuilder();
        byKey.forEach((key, transitions) -> text.append(key).append('=').append(String.join(",", transitions)).append('\n'));
        sha.update(text.toString().getBytes(StandardCharsets.UTF_8));
        java.nio.file.Files.writeString(dump, text);
        return new EventDigest(events, byKey.size(), wallClock, HexFormat.of().formatHex(sha.digest()).substring(0, 16));
    }
}
