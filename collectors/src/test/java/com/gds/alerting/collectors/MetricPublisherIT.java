package com.gds.alerting.collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.gds.alerting.avro.Metric;
import com.gds.alerting.avro.serde.AvroSerdeConfig;
import com.gds.alerting.avro.serde.GdsAvroDeserializer;
import com.gds.alerting.avro.serde.InMemorySchemaRegistry;
import com.gds.alerting.collectors.synthetic.SyntheticFleet;
import com.gds.alerting.contract.GdsTopics;
import com.gds.alerting.kafka.embedded.EmbeddedKafkaBroker;

class MetricPublisherIT {

    private static final String SCOPE = "publisher-it";
    private static EmbeddedKafkaBroker broker;

    @BeforeAll
    static void start() {
        broker = EmbeddedKafkaBroker.startTemporary();
    }

    @AfterAll
    static void stop() {
        broker.close();
        InMemorySchemaRegistry.dropScope(SCOPE);
    }

    @Test
    void publishesEachMetricToItsTypeAndEnvironmentTopicKeyedByInstance() throws Exception {
        GdsTopics topics = GdsTopics.defaults();
        SyntheticFleet fleet = new SyntheticFleet(new Random(7), 3, 0);
        List<String> names = fleet.topicsUsed().stream().map(e -> topics.metricsTopic(e.getKey(), e.getValue())).toList();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            admin.createTopics(names.stream().map(n -> new NewTopic(n, 3, (short) 1)).toList()).all().get();
        }
        List<Metric> sent = fleet.cycle(Instant.parse("2026-11-21T00:00:00Z"), Duration.ofSeconds(5)).metrics();
        Map<String, Object> serde = Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, "mem://" + SCOPE);
        try (MetricPublisher publisher = new MetricPublisher(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()), serde, topics)) {
            sent.forEach(publisher::publish);
            publisher.flush();
            assertEquals(sent.size(), publisher.sentCount());
            assertEquals(0, publisher.failedCount());
        }

        GdsAvroDeserializer<Metric> deserializer = new GdsAvroDeserializer<>(Metric.class);
        deserializer.configure(serde, false);
        List<ConsumerRecord<String, Metric>> received = new ArrayList<>();
        try (KafkaConsumer<String, Metric> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "publisher-it",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), deserializer)) {
            consumer.subscribe(topics.metricsPattern());
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (received.size() < sent.size() && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(received::add);
            }
        }
        assertEquals(sent.size(), received.size());
        for (ConsumerRecord<String, Metric> r : received) {
            Metric m = r.value();
            assertEquals(m.getInstanceId(), r.key());
            assertEquals("gds.metrics." + m.getDatabaseType() + "." + m.getTags().get("environment"), r.topic());
        }
        assertEquals(new java.util.HashSet<>(sent), new java.util.HashSet<>(received.stream().map(ConsumerRecord::value).toList()));
    }

    @Test
    void producerDefaultsAreIdempotentAndAcksAllButCanBeOverridden() {
        Map<String, Object> props = MetricPublisher.withSafeDefaults(Map.of(ProducerConfig.COMPRESSION_TYPE_CONFIG, "zstd",
                "security.protocol", "SASL_SSL"));
        assertEquals(true, props.get(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG));
        assertEquals("all", props.get(ProducerConfig.ACKS_CONFIG));
        assertEquals("zstd", props.get(ProducerConfig.COMPRESSION_TYPE_CONFIG));
        assertEquals("SASL_SSL", props.get("security.protocol"), "client properties pass through");
    }

    @Test
    void aMetricWithoutEnvironmentTagHasNoTopic() {
        try (MetricPublisher publisher = new MetricPublisher(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()),
                Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, "mem://" + SCOPE), GdsTopics.defaults())) {
            Metric m = new SyntheticFleet(new Random(1), 1, 0).cycle(Instant.EPOCH, Duration.ofSeconds(1)).metrics().get(0);
            m.setTags(Map.of());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> publisher.publish(m));
            assertTrue(e.getMessage().contains("environment"), e.getMessage());
        }
    }
}
