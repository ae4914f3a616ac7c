package com.gds.alerting.service.query;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;

import com.gds.alerting.avro.Metric;
import com.gds.alerting.avro.serde.AvroSerdes;
import com.gds.alerting.contract.AlertKeys;
import com.gds.alerting.service.api.AlertView;
import com.gds.alerting.service.api.SeriesView;
import com.gds.alerting.service.console.ConsoleSettings;
import com.gds.alerting.service.streams.KafkaClientProperties;

/**
 * Reads an alert's recent values back from Kafka, the source of truth: the metrics topic of its
 * database type and environment, the one partition its instance's metrics go to (keyed by
 * instance id, default partitioner), from the offset of the start of the window. Records of other
 * instances are skipped by their key bytes before any Avro decoding, and the read is bounded by
 * {@link ConsoleSettings}: the newest {@code series-max-records} records of the range at most.
 * Any instance can answer; no state store is involved.
 */
@Singleton
public class MetricSeriesReader {

    private static final Logger LOG = LoggerFactory.getLogger(MetricSeriesReader.class);

    private final KafkaClientProperties clients;
    private final ConsoleSettings settings;
    private final Deserializer<Metric> metrics;
    private final Semaphore permits;
    private final Clock clock;
    /** Idle consumers, reused: creating one costs more than a typical read. At most series-concurrency exist. */
    private final Deque<KafkaConsumer<byte[], byte[]>> idle = new ConcurrentLinkedDeque<>();

    public MetricSeriesReader(KafkaClientProperties clients, ConsoleSettings settings) {
        this(clients, settings, Clock.systemUTC());
    }

    MetricSeriesReader(KafkaClientProperties clients, ConsoleSettings settings, Clock clock) {
        this.clients = clients;
        this.settings = settings;
        this.metrics = AvroSerdes.valueSerde(Metric.class, clients.serde()).deserializer();
        this.permits = new Semaphore(settings.getSeriesConcurrency());
        this.clock = clock;
    }

    /**
     * The samples of {@code alert}'s series over the last {@code window}, at most
     * {@code maxPoints} (min/max per time bucket beyond that).
     *
     * @throws StateMigratingException when Kafka does not answer or too many reads run already
     */
    public SeriesView read(AlertView alert, Duration window, int maxPoints) {
        Instant to = clock.instant();
        Instant from = to.minus(window);
        if (alert.databaseType() == null || alert.environment() == null) {
            return empty(alert, null, -1, from, to, "the alert does not name its database type and environment");
        }
        String topic = clients.topics().metricsTopic(alert.databaseType(), alert.environment());
        boolean acquired;
        try {
            acquired = permits.tryAcquire(settings.getSeriesTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StateMigratingException("interrupted while waiting to read " + topic, e);
        }
        if (!acquired) {
            throw new StateMigratingException("too many value-history reads at once; retry", null);
        }
        KafkaConsumer<byte[], byte[]> consumer = idle.poll();
        try {
            if (consumer == null) {
                consumer = new KafkaConsumer<>(consumerConfig(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
            }
            SeriesView view = scan(consumer, alert, topic, from, to, maxPoints);
            consumer.unsubscribe();
            idle.push(consumer);
            consumer = null;
            return view;
        } catch (org.apache.kafka.common.KafkaException e) {
            throw new StateMigratingException("could not read " + topic + ": " + e.getMessage(), e);
        } finally {
            if (consumer != null) {
                consumer.close(CloseOptions.timeout(Duration.ZERO)); // after a failure: not reused
            }
            permits.release();
        }
    }

    @PreDestroy
    void close() {
        for (KafkaConsumer<byte[], byte[]> consumer = idle.poll(); consumer != null; consumer = idle.poll()) {
            consumer.close(CloseOptions.timeout(Duration.ZERO));
        }
    }

    private SeriesView scan(KafkaConsumer<byte[], byte[]> consumer, AlertView alert, String topic, Instant from, Instant to,
                            int maxPoints) {
        long deadline = System.nanoTime() + settings.getSeriesTimeout().toNanos();
        List<PartitionInfo> partitions = consumer.partitionsFor(topic, settings.getSeriesTimeout());
        if (partitions == null || partitions.isEmpty()) {
            return empty(alert, topic, -1, from, to, "no topic " + topic);
        }
        byte[] key = alert.instanceId().getBytes(StandardCharsets.UTF_8);
        AlertKeys.Parts parts = AlertKeys.parse(alert.alertKey());
        Map<String, String> series = parts == null ? Map.of() : parts.series();
        TopicPartition tp = new TopicPartition(topic, Utils.toPositive(Utils.murmur2(key)) % partitions.size());
        consumer.assign(List.of(tp));
        long begin = consumer.beginningOffsets(List.of(tp), settings.getSeriesTimeout()).get(tp);
        long end = consumer.endOffsets(List.of(tp), settings.getSeriesTimeout()).get(tp);
        OffsetAndTimestamp first = consumer.offsetsForTimes(Map.of(tp, from.toEpochMilli()), settings.getSeriesTimeout()).get(tp);
        long start = first == null ? end : first.offset();
        boolean truncated = false;
        if (end - start > settings.getSeriesMaxRecords()) {
            start = end - settings.getSeriesMaxRecords();
            truncated = true;
        }
        start = Math.max(start, begin);
        consumer.seek(tp, start);
        List<SeriesView.Point> points = new ArrayList<>();
        long scanned = 0;
        long position = start;
        while (position < end) {
            if (System.nanoTime() > deadline) {
                truncated = true;
                break;
            }
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200)).records(tp)) {
                position = record.offset() + 1;
                if (record.offset() >= end) {
                    break;
                }
                scanned++;
                if (record.key() == null || !Arrays.equals(record.key(), key) || record.value() == null) {
                    continue;
                }
                Metric metric;
                try {
                    metric = metrics.deserialize(topic, record.value());
                } catch (SerializationException e) {
                    LOG.debug("skipping an undecodable record at {}-{}@{}", topic, tp.partition(), record.offset(), e);
                    continue;
                }
                Instant at = metric.getTimestamp();
                if (metric.getMetricName().equals(alert.metricName()) && ofSeries(metric, series) && !at.isBefore(from)
                        && !at.isAfter(to)) {
                    points.add(new SeriesView.Point(at, metric.getValue()));
                }
            }
            position = Math.max(position, consumer.position(tp));
        }
        points.sort(Comparator.comparing(SeriesView.Point::t));
        boolean downsampled = points.size() > maxPoints;
        List<SeriesView.Point> shown = downsampled ? downsample(points, from, to, maxPoints) : points;
        return new SeriesView(alert.alertKey(), alert.instanceId(), alert.metricName(), topic, tp.partition(), from, to,
                List.copyOf(shown), scanned, truncated, downsampled, alert.threshold(), null);
    }

    /**
     * Whether {@code metric} is the alert's series: any sample of the metric for an alert of a rule
     * without {@code by}; for one with {@code by}, a sample with the key's tag values (a missing tag is "").
     */
    static boolean ofSeries(Metric metric, Map<String, String> series) {
        for (Map.Entry<String, String> tag : series.entrySet()) {
            if (!tag.getValue().equals(metric.getTags().getOrDefault(tag.getKey(), ""))) {
                return false;
            }
        }
        return true;
    }

    /** The minimum and maximum of each of {@code maxPoints / 2} time buckets, in time order: spikes stay visible. */
    static List<SeriesView.Point> downsample(List<SeriesView.Point> points, Instant from, Instant to, int maxPoints) {
        int buckets = Math.max(1, maxPoints / 2);
        long span = Math.max(1, to.toEpochMilli() - from.toEpochMilli());
        List<SeriesView.Point> out = new ArrayList<>();
        int i = 0;
        for (int b = 0; b < buckets && i < points.size(); b++) {
            long bucketEnd = from.toEpochMilli() + span * (b + 1) / buckets;
            SeriesView.Point min = null;
            SeriesView.Point max = null;
            while (i < points.size() && (points.get(i).t().toEpochMilli() < bucketEnd || b == buckets - 1)) {
                SeriesView.Point p = points.get(i++);
                if (min == null || p.v() < min.v()) {
                    min = p;
                }
                if (max == null || p.v() > max.v()) {
                    max = p;
                }
            }
            if (min != null) {
                if (min == max) {
                    out.add(min);
                } else if (min.t().isBefore(max.t())) {
                    out.add(min);
                    out.add(max);
                } else {
                    out.add(max);
                    out.add(min);
                }
            }
        }
        return out;
    }

    private Map<String, Object> consumerConfig() {
        Map<String, Object> config = new HashMap<>(clients.kafka());
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "gds-console-series");
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        // A bounded read, not a tail: the fetch that runs into the end of the log must not wait for new data
        // (fetch.max.wait.ms, 500 ms by default), or every read, and the next one on this consumer, waits that long.
        config.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 5);
        return config;
    }

    private static SeriesView empty(AlertView alert, String topic, int partition, Instant from, Instant to, String reason) {
        return new SeriesView(alert.alertKey(), alert.instanceId(), alert.metricName(), topic, partition, from, to, List.of(),
                0, false, false, alert.threshold(), reason);
    }
}
