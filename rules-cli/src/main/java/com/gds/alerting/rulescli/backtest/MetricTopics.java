package com.gds.alerting.rulescli.backtest;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import com.gds.alerting.avro.Metric;
import com.gds.alerting.avro.serde.AvroSerdes;

/**
 * Recorded metrics read straight from the {@code gds.metrics.*} topics for a time range, without a
 * consumer group (nothing is committed, nothing else is disturbed).
 *
 * <p>Where each partition starts: the first offset whose record timestamp is at or after {@code
 * from} ({@code offsetsForTimes}); a partition with none holds nothing in the range and is not
 * read. Where it stops: at the end offset taken when reading began (so producers writing meanwhile
 * cannot keep it reading), or at the first record stamped at or after {@code to + maxDelay}. A
 * record's timestamp is when the collector sent it, never before the sample was measured; the
 * samples kept are those whose own {@code timestamp} is in {@code [from, to)}. {@code maxDelay}
 * lets samples measured before {@code to} but sent a little after it (a collector's spool draining
 * after a Kafka outage) in; a sample sent later than that is not replayed.
 */
public final class MetricTopics {

    /**
     * What was read.
     *
     * @param samples    the samples measured in the range, in no particular order
     * @param topics     the topics read
     * @param partitions partitions that held records in the range
     * @param records    records read
     * @param undecodable records skipped because they do not decode as a {@code Metric}
     */
    public record Read(List<Metric> samples, Set<String> topics, int partitions, long records, long undecodable) {
    }

    private MetricTopics() {
    }

    /**
     * Reads every topic of {@code bootstrap} matching {@code topicPattern} for {@code [from, to)}
     * ({@code null} = from the beginning / to the end offsets).
     *
     * @param timeout how long Kafka may go without answering before giving up
     * @throws IllegalStateException when no topic matches, or Kafka stops answering
     */
    public static Read read(String bootstrap, Pattern topicPattern, Map<String, Object> serdeConfig, Instant from, Instant to,
                            Duration maxDelay, Duration timeout, PrintWriter err) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        Deserializer<Metric> values = AvroSerdes.valueSerde(Metric.class, serdeConfig).deserializer();
        long stopAt = to == null ? Long.MAX_VALUE : to.plus(maxDelay).toEpochMilli();
        List<Metric> samples = new ArrayList<>();
        long records = 0;
        long undecodable = 0;
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            Set<String> topics = new TreeSet<>();
            List<TopicPartition> partitions = new ArrayList<>();
            for (Map.Entry<String, List<PartitionInfo>> e : consumer.listTopics(timeout).entrySet()) {
                if (topicPattern.matcher(e.getKey()).matches()) {
                    topics.add(e.getKey());
                    e.getValue().forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
                }
            }
            if (topics.isEmpty()) {
                throw new IllegalStateException("no topic on " + bootstrap + " matches " + topicPattern
                        + "; check --bootstrap and --metrics-prefix");
            }
            // Assigned before asking for offsets: a read_committed consumer records the answers for its assigned
            // partitions (and warns about the others).
            consumer.assign(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
            Map<TopicPartition, Long> start = new HashMap<>();
            if (from == null) {
                start.putAll(consumer.beginningOffsets(partitions, timeout));
            } else {
                Map<TopicPartition, Long> query = new HashMap<>();
                partitions.forEach(p -> query.put(p, from.toEpochMilli()));
                for (Map.Entry<TopicPartition, OffsetAndTimestamp> e : consumer.offsetsForTimes(query, timeout).entrySet()) {
                    // null: no record at or after 'from' in this partition.
                    start.put(e.getKey(), e.getValue() == null ? end.get(e.getKey()) : e.getValue().offset());
                }
            }
            List<TopicPartition> toRead = partitions.stream().filter(p -> start.get(p) < end.get(p)).toList();
            consumer.assign(toRead);
            toRead.forEach(p -> consumer.seek(p, start.get(p)));
            Set<TopicPartition> done = new HashSet<>();
            Instant lastProgress = Instant.now();
            while (done.size() < toRead.size()) {
                ConsumerRecords<String, byte[]> batch = consumer.poll(Duration.ofMillis(200));
                if (!batch.isEmpty()) {
                    lastProgress = Instant.now();
                } else if (Duration.between(lastProgress, Instant.now()).compareTo(timeout) > 0) {
                    throw new IllegalStateException("Kafka returned nothing for " + timeout + " with " + (toRead.size() - done.size())
                            + " partitions not read to their end");
                }
                for (TopicPartition p : batch.partitions()) {
                    if (done.contains(p)) {
                        continue;
                    }
                    for (ConsumerRecord<String, byte[]> r : batch.records(p)) {
                        if (r.offset() >= end.get(p) || r.timestamp() >= stopAt) {
                            done.add(p);
                            break;
                        }
                        records++;
                        if (r.value() == null) {
                            continue;
                        }
                        Metric m;
                        try {
                            m = values.deserialize(r.topic(), r.value());
                        } catch (RuntimeException e) {
                            if (undecodable++ == 0) {
                                err.println("warning: " + r.topic() + "-" + r.partition() + "@" + r.offset()
                                        + " does not decode as a Metric (" + e.getMessage() + "); such records are skipped");
                            }
                            continue;
                        }
                        Instant at = m.getTimestamp();
                        if ((from == null || !at.isBefore(from)) && (to == null || at.isBefore(to))) {
                            samples.add(m);
                        }
                    }
                }
                for (TopicPartition p : toRead) {
                    if (!done.contains(p) && consumer.position(p) >= end.get(p)) {
                        done.add(p);
                    }
                }
                consumer.pause(done);
            }
            return new Read(samples, topics, toRead.size(), records, undecodable);
        }
    }
}
