package com.gds.alerting.topologies;

import static com.gds.alerting.topologies.TestRules.above;
import static com.gds.alerting.topologies.TestRules.threshold;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.gds.alerting.avro.AlertEvent;
import com.gds.alerting.avro.Metric;
import com.gds.alerting.avro.MetricMetadata;
import com.gds.alerting.avro.Rule;
import com.gds.alerting.avro.Severity;
import com.gds.alerting.avro.Transition;
import com.gds.alerting.avro.serde.AvroSerdes;
import com.gds.alerting.avro.serde.InMemorySchemaRegistry;
import com.gds.alerting.contract.GdsTopics;
import com.gds.alerting.contract.TopicLayout;
import com.gds.alerting.kafka.embedded.EmbeddedKafkaBroker;

/**
 * The lifecycle processor's in-memory index of alert keys with a state (issue 25: a healthy sample of
 * a series without state skips the store) is rebuilt from {@code alert-state} when the task starts —
 * here after a restart on a new, empty state directory, so the store is restored from its changelog
 * first. Real {@link KafkaStreams}, real broker, RocksDB, exactly-once. Without the rebuild, the
 * restarted instance would take both alerts for keys without state: the late breach of the resolved
 * one would open a new incident, and the recovery of the firing one would resolve nothing.
 */
class AlertStateIndexRestartIT {

    private static final String SCOPE = "alert-index-it-" + UUID.randomUUID();
    private static final Map<String, Object> SERDE = Map.of("schema.registry.url", InMemorySchemaRegistry.SCHEME + SCOPE);
    private static final GdsTopics TOPICS = GdsTopics.defaults();
    private static final String METRICS = TOPICS.metricsTopic("postgresql", "prod");
    private static EmbeddedKafkaBroker broker;
    private static Path stateDirs;

    @BeforeAll
    static void start() throws Exception {
        broker = EmbeddedKafkaBroker.startTemporary();
        Files.createDirectories(Path.of("target"));
        stateDirs = Files.createTempDirectory(Path.of("target"), "alert-index-it-state");
        TopicLayout.create(broker.bootstrapServers(), TOPICS, List.of(METRICS), 2);
    }

    @AfterAll
    static void stop() {
        broker.close();
        InMemorySchemaRegistry.dropScope(SCOPE);
    }

    private static KafkaStreams streams(AlertingTopology alerting, String stateDir) {
        Properties props = new Properties();
        props.putAll(AlertingTopology.requiredStreamsConfig());
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "alert-index-it");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDirs.resolve(stateDir).toString());
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        return new KafkaStreams(alerting.topology(), props);
    }

    private static <T extends org.apache.avro.specific.SpecificRecord> void send(String topic, String key, T value) {
        @SuppressWarnings("unchecked")
        Class<T> type = (Class<T>) value.getClass();
        try (KafkaProducer<String, T> producer = new KafkaProducer<>(Map.of("bootstrap.servers", broker.bootstrapServers()),
                new StringSerializer(), AvroSerdes.valueSerde(type, SERDE).serializer())) {
            producer.send(new ProducerRecord<>(topic, key, value));
        }
    }

    private static void sample(String instance, double value, Instant at) {
        send(METRICS, instance, Metric.newBuilder().setTimestamp(at).setDatabaseType("postgresql")
                .setInstanceId(instance).setMetricName("replication_lag_seconds").setValue(value)
                .setTags(Map.of("environment", "prod")).setMetadata(new MetricMetadata(1L, "it", "c")).build());
    }

    /**
     * Committed events, read until {@code count} arrived (or a minute passed), then two more
     * seconds, so that an extra event would be seen too.
     */
    private static List<AlertEvent> events(int count) {
        Map<String, Object> config = Map.of("bootstrap.servers", broker.bootstrapServers(), "group.id", "it-" + UUID.randomUUID(),
                "auto.offset.reset", "earliest", "isolation.level", "read_committed");
        List<AlertEvent> events = new ArrayList<>();
        try (KafkaConsumer<String, AlertEvent> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                AvroSerdes.valueSerde(AlertEvent.class, SERDE).deserializer())) {
            consumer.subscribe(List.of(TOPICS.events()));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (events.size() < count && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, AlertEvent> r : consumer.poll(Duration.ofMillis(200))) {
                    events.add(r.value());
                }
            }
            long quiet = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
            while (System.nanoTime() < quiet) {
                for (ConsumerRecord<String, AlertEvent> r : consumer.poll(Duration.ofMillis(200))) {
                    events.add(r.value());
                }
            }
        }
        return events;
    }

    private static void awaitRunning(KafkaStreams streams, AlertingTopology alerting, int rules) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while ((streams.state() != KafkaStreams.State.RUNNING || alerting.ruleBook().size() < rules)
                && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertEquals(KafkaStreams.State.RUNNING, streams.state());
        assertEquals(rules, alerting.ruleBook().size());
    }

    private static List<String> transitions(List<AlertEvent> events, String instance) {
        return events.stream().filter(e -> e.getInstanceId().equals(instance))
                .map(e -> e.getTransition() + " " + e.getIncident()).toList();
    }

    @Test
    void theIndexIsRebuiltFromTheRestoredStoreAfterARestart() throws Exception {
        Rule rule = threshold("lag", "replication_lag_seconds", List.of(above(Severity.CRITICAL, 30))).build();
        send(TOPICS.rules(), "lag", rule);
        Instant t0 = Instant.now().minusSeconds(120).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);

        AlertingTopology first = AlertingTopology.build(AlertingTopologyConfig.defaults(SERDE));
        try (KafkaStreams streams = streams(first, "first")) {
            streams.start();
            awaitRunning(streams, first, 1);
            sample("pg-prod-01", 45, t0);
            sample("pg-prod-01", 5, t0.plusSeconds(20));
            sample("pg-prod-02", 45, t0);
            List<AlertEvent> before = events(3);
            assertEquals(List.of("FIRED 1", "RESOLVED 1"), transitions(before, "pg-prod-01"));
            assertEquals(List.of("FIRED 1"), transitions(before, "pg-prod-02"));
            // Leave the group, so the restarted instance gets the partitions without waiting out the session timeout.
            streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                    .withTimeout(Duration.ofSeconds(30)));
        }

        AlertingTopology second = AlertingTopology.build(AlertingTopologyConfig.defaults(SERDE));
        try (KafkaStreams streams = streams(second, "second")) {
            streams.start();
            awaitRunning(streams, second, 1);
            sample("pg-prod-01", 45, t0.plusSeconds(10));
            sample("pg-prod-02", 5, t0.plusSeconds(30));
            sample("pg-prod-01", 45, t0.plusSeconds(40));
            List<AlertEvent> all = events(5);
            assertEquals(List.of("FIRED 1", "RESOLVED 1", "FIRED 2"), transitions(all, "pg-prod-01"),
                    "the breach older than the resolving sample is ignored as late; the next one opens incident 2");
            assertEquals(List.of("FIRED 1", "RESOLVED 1"), transitions(all, "pg-prod-02"),
                    "the recovery resolves the incident opened before the restart");
            assertEquals(1, second.counters().get(AlertingCounters.Counter.SAMPLES_LATE));
            streams.close(Duration.ofSeconds(30));
        }
    }
}
