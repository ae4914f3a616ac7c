package com.gds.alerting.collectors;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.gds.alerting.avro.Metric;
import com.gds.alerting.avro.serde.AvroSerdes;
import com.gds.alerting.contract.GdsTopics;

/**
 * Publishes metrics to {@code gds.metrics.<database_type>.<environment>}, keyed by {@code
 * instance_id}, with an idempotent producer ({@code acks=all}, compressed). The environment
 * comes from the metric's {@code environment} tag.
 */
public final class MetricPublisher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MetricPublisher.class);

    private final Producer<String, Metric> producer;
    private final Serde<Metric> serde;
    private final GdsTopics topics;
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();

    /**
     * @param producerConfig Kafka producer settings (bootstrap.servers, SASL, TLS, ... pass through)
     * @param serdeConfig    serde and registry settings ({@code schema.registry.url}, ...)
     * @param topics         topic names
     */
    public MetricPublisher(Map<String, ?> producerConfig, Map<String, ?> serdeConfig, GdsTopics topics) {
        this.topics = Objects.requireNonNull(topics, "topics");
        this.serde = AvroSerdes.valueSerde(Metric.class, serdeConfig);
        this.producer = new KafkaProducer<>(withSafeDefaults(producerConfig), new StringSerializer(), serde.serializer());
    }

    /** The producer settings with the delivery guarantees a collector needs, unless overridden. */
    public static Map<String, Object> withSafeDefaults(Map<String, ?> config) {
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        props.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        // One request in flight: on Kafka before 4.5 an idempotent producer with several in flight to a partition
        // created a moment ago can have its first request refused while a later one is appended, and then expire
        // the first after delivery.timeout.ms (KAFKA-15591): 22 of 117 metrics of MetricPublisherIT were lost so.
        // Batches still carry every record that lingered; a collector's volume needs no more.
        props.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "gds-collector");
        props.putAll(config);
        return props;
    }

    /** The topic a metric goes to. */
    public String topicOf(Metric metric) {
        String environment = metric.getTags().get("environment");
        if (environment == null) {
            throw new IllegalArgumentException("metric " + metric.getMetricName() + " of " + metric.getInstanceId()
                    + " has no 'environment' tag, so it has no topic");
        }
        return topics.metricsTopic(metric.getDatabaseType(), environment);
    }

    /** Sends asynchronously; failures are logged and counted. */
    public void publish(Metric metric) {
        producer.send(new ProducerRecord<>(topicOf(metric), metric.getInstanceId(), metric), (meta, error) -> {
            if (error == null) {
                sent.incrementAndGet();
            } else {
                failed.incrementAndGet();
                LOG.warn("could not publish {} of {}: {}", metric.getMetricName(), metric.getInstanceId(), error.toString());
            }
        });
    }

    /** Waits until everything sent so far is acknowledged (or failed). */
    public void flush() {
        producer.flush();
    }

    /** Metrics acknowledged by the broker. */
    public long sentCount() {
        return sent.get();
    }

    /** Metrics the producer gave up on. */
    public long failedCount() {
        return failed.get();
    }

    @Override
    public void close() {
        producer.close();
        serde.close();
    }
}
