package com.gds.alerting.topologies;

import static com.gds.alerting.topologies.TestRules.above;
import static com.gds.alerting.topologies.TestRules.threshold;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.gds.alerting.avro.AlertEvent;
import com.gds.alerting.avro.Metric;
import com.gds.alerting.avro.MetricMetadata;
import com.gds.alerting.avro.Rule;
import com.gds.alerting.avro.Selector;
import com.gds.alerting.avro.Severity;
import com.gds.alerting.avro.Transition;
import com.gds.alerting.avro.serde.AvroSerdes;
import com.gds.alerting.avro.serde.InMemorySchemaRegistry;
import com.gds.alerting.contract.GdsTopics;
import com.gds.alerting.contract.TopicLayout;
import com.gds.alerting.kafka.embedded.EmbeddedKafkaBroker;
import com.gds.alerting.topologies.intake.DeadLetter;

/**
 * Reliability scenario 5 (docs/RELIABILITY.md): 1% corrupt metric records and 1% invalid rules mixed into the input of
 * the real topology under {@code KafkaStreams} on a real broker. The dead-letter topics hold exactly the injected
 * records, and every valid record is processed: every valid rule is in the rule book, and every valid metric (each
 * breaching a valid rule, each of its own instance) fired exactly one alert.
 */
class CorruptInputIT {

    private static final String SCOPE = "corrupt-input-it-" + UUID.randomUUID();
    private static final Map<String, Object> SERDE = Map.of("schema.registry.url", InMemorySchemaRegistry.SCHEME + SCOPE);
    private static final GdsTopics TOPICS = GdsTopics.defaults();
    private static final String METRICS = TOPICS.metricsTopic("postgresql", "prod");
    private static final int RULES = 400;
    private static final int METRICS_COUNT = 3000;
    private static EmbeddedKafkaBroker broker;
    private static Path stateDir;

    @BeforeAll
    static void start() throws Exception {
        broker = EmbeddedKafkaBroker.startTemporary();
        Files.createDirectories(Path.of("target"));
        stateDir = Files.createTempDirectory(Path.of("target"), "corrupt-input-it-state");
        TopicLayout.create(broker.bootstrapServers(), TOPICS, List.of(METRICS), 3);
    }

    @AfterAll
    static void stop() {
        broker.close();
        InMemorySchemaRegistry.dropScope(SCOPE);
    }

    @Test
    void deadLettersHoldExactlyTheInjectedRecordsAndEveryValidRecordIsProcessed() throws Exception {
        int validRules = 0;
        int badRules = 0;
        try (KafkaProducer<String, byte[]> producer = producer()) {
            for (int i = 0; i < RULES; i++) {
                String id = "rule-" + i;
                if (i % 200 == 50) {
                    // Not a rule at all (too short to carry a schema id).
                    send(producer, TOPICS.rules(), id, new byte[] {1, 2});
                    badRules++;
                } else if (i % 200 == 199) {
                    // Well-formed Avro that does not validate: the matcher's regex does not compile.
                    Rule invalid = threshold(id, metricName(i), List.of(above(Severity.CRITICAL, 10)))
                            .setSelector(new Selector(metricName(i), List.of(TestRules.re("instance_id", "db-(")))).build();
                    send(producer, TOPICS.rules(), id, encode(TOPICS.rules(), invalid));
                    badRules++;
                } else {
                    send(producer, TOPICS.rules(), id,
                            encode(TOPICS.rules(), threshold(id, metricName(i), List.of(above(Severity.CRITICAL, 10))).build()));
                    validRules++;
                }
            }
        }

        AlertingTopology alerting = AlertingTopology.build(AlertingTopologyConfig.defaults(SERDE));
        try (KafkaStreams streams = streams(alerting)) {
            streams.start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while ((streams.state() != KafkaStreams.State.RUNNING || alerting.ruleBook().size() < validRules)
                    && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertEquals(validRules, alerting.ruleBook().size(), "every valid rule is in force");

            Set<String> validInstances = new HashSet<>();
            int corrupt = 0;
            Instant at = Instant.now().minusSeconds(10);
            byte[][] garbage = {
                    {0, 0, 0, 0, 42, 1, 2, 3},                                 // unknown schema id
                    "not avro at all".getBytes(StandardCharsets.UTF_8),        // wrong magic byte
                    {0},                                                      // too short
            };
            try (KafkaProducer<String, byte[]> producer = producer()) {
                for (int i = 0; i < METRICS_COUNT; i++) {
                    String instance = "db-" + i;
                    if (i % 100 == 37) {
                        send(producer, METRICS, instance, garbage[corrupt++ % garbage.length]);
                        continue;
                    }
                    int rule = i % RULES;
                    while (rule % 200 == 50 || rule % 200 == 199) {
                        rule = (rule + 1) % RULES;
                    }
                    Metric metric = Metric.newBuilder().setTimestamp(at).setDatabaseType("postgresql").setInstanceId(instance)
                            .setMetricName(metricName(rule)).setValue(50).setTags(Map.of("environment", "prod"))
                            .setMetadata(new MetricMetadata(1L, "it", "c" + i)).build();
                    send(producer, METRICS, instance, encode(METRICS, metric));
                    validInstances.add(instance);
                }
            }

            Map<String, Integer> deadMetrics = deadLetterReasons(TOPICS.dlqMetrics(), corrupt);
            Map<String, Integer> deadRules = deadLetterReasons(TOPICS.dlqRules(), badRules);
            List<AlertEvent> events = events(validInstances.size());
            streams.close(Duration.ofSeconds(30));

            assertEquals(corrupt, deadMetrics.values().stream().mapToInt(Integer::intValue).sum(),
                    "gds.dlq.metrics holds exactly the corrupt records: " + deadMetrics);
            assertEquals(badRules, deadRules.values().stream().mapToInt(Integer::intValue).sum(),
                    "gds.dlq.rules holds exactly the invalid rules: " + deadRules);
            assertEquals(Map.of("TOO_SHORT", 2, "INVALID_RULE", 2), deadRules, "1% of 400 rules, by reason");
            assertEquals(Map.of("UNKNOWN_SCHEMA_ID", 10, "WRONG_MAGIC_BYTE", 10, "TOO_SHORT", 10), deadMetrics,
                    "1% of 3,000 metrics, by reason");
            assertEquals(validInstances.size(), events.size(), "one event per valid metric, no more");
            assertEquals(validInstances, new HashSet<>(events.stream().map(AlertEvent::getInstanceId).toList()),
                    "every valid metric fired its alert");
            assertEquals(List.of(Transition.FIRED), events.stream().map(AlertEvent::getTransition).distinct().toList());
            assertEquals(corrupt, alerting.counters().get(AlertingCounters.Counter.METRICS_DEAD_LETTERED));
        }
    }

    private static String metricName(int rule) {
        return "m_" + rule;
    }

    private static KafkaStreams streams(AlertingTopology alerting) {
        Properties props = new Properties();
        props.putAll(AlertingTopology.requiredStreamsConfig());
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "corrupt-input-it");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        return new KafkaStreams(alerting.topology(), props);
    }

    private static KafkaProducer<String, byte[]> producer() {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1), new StringSerializer(), new ByteArraySerializer());
    }

    private static void send(KafkaProducer<String, byte[]> producer, String topic, String key, byte[] value) throws Exception {
        producer.send(new ProducerRecord<>(topic, key, value)).get(30, TimeUnit.SECONDS);
    }

    @SuppressWarnings("unchecked")
    private static <T extends SpecificRecord> byte[] encode(String topic, T value) {
        return AvroSerdes.valueSerde((Class<T>) value.getClass(), SERDE).serializer().serialize(topic, value);
    }

    /** Committed dead letters by reason header, read until {@code count} arrived (or 60 s), then 2 s more for extras. */
    private static Map<String, Integer> deadLetterReasons(String topic, int count) {
        Map<String, Integer> reasons = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> r : readCommitted(topic, count, new ByteArrayDeserializer())) {
            Header reason = r.headers().lastHeader(DeadLetter.REASON);
            reasons.merge(reason == null ? "?" : new String(reason.value(), StandardCharsets.UTF_8), 1, Integer::sum);
        }
        return reasons;
    }

    private static List<AlertEvent> events(int count) {
        return readCommitted(TOPICS.events(), count, AvroSerdes.valueSerde(AlertEvent.class, SERDE).deserializer()).stream()
                .map(ConsumerRecord::value).toList();
    }

    private static <V> List<ConsumerRecord<byte[], V>> readCommitted(String topic, int count,
            org.apache.kafka.common.serialization.Deserializer<V> values) {
        Map<String, Object> config = Map.of("bootstrap.servers", broker.bootstrapServers(), "group.id", "it-" + UUID.randomUUID(),
                "auto.offset.reset", "earliest", "isolation.level", "read_committed");
        List<ConsumerRecord<byte[], V>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], V> consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(), values)) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (records.size() < count && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            long quiet = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
            while (System.nanoTime() < quiet) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }
}
