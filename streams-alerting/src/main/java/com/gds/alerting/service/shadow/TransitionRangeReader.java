package com.gds.alerting.service.shadow;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.inject.Singleton;

import com.gds.alerting.avro.AlertEvent;
import com.gds.alerting.avro.serde.GdsAvroDeserializer;
import com.gds.alerting.service.query.BadRequestException;
import com.gds.alerting.service.query.StateMigratingException;
import com.gds.alerting.service.streams.KafkaClientProperties;

/**
 * Reads the transitions of one rule written to an alert-events topic ({@code gds.alerts.events} or
 * {@code gds.alerts.shadow}) in a time range: a consumer without a group, {@code read_committed}
 * like the event stream, positioned by {@code offsetsForTimes(from)} on every partition and read up
 * to the end offsets it saw when it started. Record timestamps are the transitions' times (the
 * topology writes each at its event time), so the range is the same for both topics.
 *
 * <p>Bounded: more than {@code max} transitions read in the range (of any rule) is refused with the
 * count, rather than answering from part of the range. A record that does not decode is counted in
 * {@code gds_shadow_diff_undecodable_total} and logged, and the answer says how many there were. A
 * read that does not reach its end within a minute is a 503, never a partial answer.
 */
@Singleton
public class TransitionRangeReader {

    private static final Logger LOG = LoggerFactory.getLogger(TransitionRangeReader.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    /** A read that has not reached its end offsets by then (broker gone, partition leaderless) is given up, not waited on forever. */
    private static final Duration READ_LIMIT = Duration.ofSeconds(60);

    private final Map<String, Object> kafka;
    private final GdsAvroDeserializer<AlertEvent> deserializer = new GdsAvroDeserializer<>(AlertEvent.class);
    private final Counter undecodable;

    public TransitionRangeReader(KafkaClientProperties clients, MeterRegistry registry) {
        this.kafka = clients.kafka();
        this.deserializer.configure(clients.serde(), false);
        this.undecodable = registry.counter("gds_shadow_diff_undecodable_total");
    }

    /** What was read: the rule's transitions in the range, oldest first per alert key, and what could not be read. */
    public record Read(List<AlertEvent> events, long scanned, long undecodable) {
    }

    /**
     * The transitions of {@code ruleId} on {@code topic} with a timestamp in {@code [from, to)}.
     *
     * @throws BadRequestException when the range holds more than {@code max} transitions
     * @throws IllegalStateException when the topic does not exist
     */
    public Read read(String topic, String ruleId, Instant from, Instant to, long max) {
        Map<String, Object> config = new HashMap<>(kafka);
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "gds-shadow-diff-" + UUID.randomUUID());
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<AlertEvent> events = new ArrayList<>();
        long scanned = 0;
        long bad = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, TIMEOUT);
            if (infos == null || infos.isEmpty()) {
                throw new IllegalStateException("topic '" + topic + "' does not exist");
            }
            List<TopicPartition> partitions = infos.stream().map(i -> new TopicPartition(topic, i.partition())).toList();
            consumer.assign(partitions);
            Map<TopicPartition, Long> query = new HashMap<>();
            partitions.forEach(tp -> query.put(tp, from.toEpochMilli()));
            Map<TopicPartition, OffsetAndTimestamp> starts = consumer.offsetsForTimes(query, TIMEOUT);
            Map<TopicPartition, Long> ends = new HashMap<>(consumer.endOffsets(partitions, TIMEOUT));
            for (TopicPartition tp : partitions) {
                OffsetAndTimestamp start = starts.get(tp);
                long offset = start == null ? ends.get(tp) : start.offset();
                consumer.seek(tp, offset);
                if (offset >= ends.get(tp)) {
                    ends.remove(tp);
                }
            }
            long deadline = System.nanoTime() + READ_LIMIT.toNanos();
            while (!ends.isEmpty()) {
                if (System.nanoTime() - deadline > 0) {
                    throw new StateMigratingException("reading " + topic + " for the shadow diff did not reach its end within "
                            + READ_LIMIT.toSeconds() + " s (partitions left: " + ends.keySet() + "); try again", null);
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    TopicPartition tp = new TopicPartition(record.topic(), record.partition());
                    Long end = ends.get(tp);
                    if (end == null || record.offset() >= end) {
                        continue;
                    }
                    if (record.timestamp() >= from.toEpochMilli() && record.timestamp() < to.toEpochMilli()
                            && record.value() != null) {
                        if (++scanned > max) {
                            throw new BadRequestException("from", "the range holds more than " + max
                                    + " transitions on " + topic + " (gds.shadow-diff.max-transitions); ask for a shorter range");
                        }
                        AlertEvent event = decode(record);
                        if (event == null) {
                            bad++;
                        } else if (ruleId.equals(event.getRuleId())) {
                            events.add(event);
                        }
                    }
                }
                // Transaction markers take offsets too: a partition is done once its position passes the end seen at the start.
                ends.keySet().removeIf(tp -> consumer.position(tp, TIMEOUT) >= ends.get(tp));
            }
        }
        return new Read(events, scanned, bad);
    }

    private AlertEvent decode(ConsumerRecord<byte[], byte[]> record) {
        try {
            return deserializer.deserialize(record.topic(), record.value());
        } catch (RuntimeException e) {
            undecodable.increment();
            LOG.warn("shadow diff: {}-{} offset {} is not an AlertEvent, skipped: {}", record.topic(), record.partition(),
                    record.offset(), e.toString());
            return null;
        }
    }
}
