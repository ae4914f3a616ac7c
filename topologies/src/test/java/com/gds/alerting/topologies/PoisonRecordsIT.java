package com.gds.alerting.topologies;

import static com.gds.alerting.topologies.TestRules.above;
import static com.gds.alerting.topologies.TestRules.threshold;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.gds.alerting.avro.Metric;
import com.gds.alerting.avro.MetricMetadata;
import com.gds.alerting.avro.Rule;
import com.gds.alerting.avro.Severity;
import com.gds.alerting.avro.serde.AvroSerdes;
import com.gds.alerting.avro.serde.InMemorySchemaRegistry;
import com.gds.alerting.contract.GdsTopics;
import com.gds.alerting.contract.TopicLayout;
import com.gds.alerting.kafka.embedded.EmbeddedKafkaBroker;
import com.gds.alerting.topologies.intake.DeadLetter;

/**
 * Issue 24, items 1-3 and the fuzz test, on a real broker under {@code KafkaStreams}: records that
 * once put the stream thread in a crash loop (a metric dated 1969, a claimed 2 GiB string, a 2 MB
 * value that arrived compressed, a 1.5 MB tag) and then seeded random and mutated records. No
 * stream thread dies, each poison record is on {@code gds.dlq.metrics} with its reason, every good
 * metric after them fires, and evaluated + dead-lettered = sent.
 */
class PoisonRecordsIT {

    private static final String SCOPE = "poison-records-it-" + UUID.randomUUID();
    private static final Map<String, Object> SERDE = Map.of("schema.registry.url", InMemorySchemaRegistry.SCHEME + SCOPE);
    private static final GdsTopics TOPICS = GdsTopics.defaults();
    private static final String METRICS = TOPICS.metricsTopic("postgresql", "prod");
    private static final int FUZZ_RECORDS = 600;
    private static EmbeddedKafkaBroker broker;
    private static Path stateDir;

    @BeforeAll
    static void start() throws Exception {
        broker = EmbeddedKafkaBroker.startTemporary();
        Files.createDirectories(Path.of("target"));
        stateDir = Files.createTempDirectory(Path.of("target"), "poison-records-it-state");
        TopicLayout.create(broker.bootstrapServers(), TOPICS, List.of(METRICS), 3);
    }

    @AfterAll
    static void stop() {
        broker.close();
        InMemorySchemaRegistry.dropScope(SCOPE);
    }

    @Test
    void poisonAndFuzzedRecordsAreDeadLetteredAndNoStreamThreadDies() throws Exception {
        try (KafkaProducer<String, byte[]> producer = producer(false)) {
            send(producer, TOPICS.rules(), "conn", encode(TOPICS.rules(),
                    threshold("conn", "connections_used_ratio", List.of(above(Severity.CRITICAL, 90))).build()));
        }
        AlertingTopology alerting = AlertingTopology.build(AlertingTopologyConfig.defaults(SERDE));
        AtomicInteger threadDeaths = new AtomicInteger();
        try (KafkaStreams streams = streams(alerting)) {
            streams.setUncaughtExceptionHandler(e -> {
                threadDeaths.incrementAndGet();
                return StreamThreadExceptionResponse.REPLACE_THREAD;
            });
            streams.start();
            await("the rule in force", () -> streams.state() == KafkaStreams.State.RUNNING && alerting.ruleBook().size() == 1);

            Instant now = Instant.now().minusSeconds(10);
            Map<String, String> expectedReasons = new HashMap<>();
            int good = 0;
            try (KafkaProducer<String, byte[]> producer = producer(false);
                 KafkaProducer<String, byte[]> compressing = producer(true)) {
                byte[] valid = encode(METRICS, metric("probe", now).build());
                int metricSchemaId = ByteBuffer.wrap(valid, 1, 4).getInt();

                expectedReasons.put("pre-1970", "TIMESTAMP_OUT_OF_RANGE");
                send(producer, METRICS, "pre-1970",
                        encode(METRICS, metric("pre-1970", Instant.parse("1969-12-31T23:59:59Z")).build()));
                expectedReasons.put("string-of-2gib", "MALFORMED_BODY");
                send(producer, METRICS, "string-of-2gib", ByteBuffer.allocate(11).put((byte) 0).putInt(metricSchemaId)
                        .put((byte) 0x02).put(new byte[] {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x10}).array());
                byte[] garbage = new byte[2 << 20];
                Arrays.fill(garbage, (byte) 7);
                expectedReasons.put("two-megabytes", "WRONG_MAGIC_BYTE");
                send(compressing, METRICS, "two-megabytes", garbage);
                expectedReasons.put("huge-tag", "FIELD_TOO_LONG");
                send(compressing, METRICS, "huge-tag", encode(METRICS, metric("huge-tag", now)
                        .setTags(Map.of("environment", "prod", "big", "x".repeat(1_500_000))).build()));
                for (int i = 0; i < 5; i++) {
                    send(producer, METRICS, "good-" + i, encode(METRICS, metric("good-" + i, now).build()));
                    good++;
                }
            }
            await("every good metric evaluated and every poison one dead-lettered", () ->
                    alerting.counters().get(AlertingCounters.Counter.METRICS_DEAD_LETTERED) == expectedReasons.size()
                            && alerting.counters().get(AlertingCounters.Counter.METRICS_EVALUATED) == 5);
            Map<String, String> reasons = new HashMap<>();
            for (ConsumerRecord<byte[], byte[]> r : read(TOPICS.dlqMetrics(), expectedReasons.size())) {
                reasons.put(new String(r.key(), StandardCharsets.UTF_8), header(r, DeadLetter.REASON));
                if (Arrays.equals(r.key(), "two-megabytes".getBytes(StandardCharsets.UTF_8))) {
                    assertEquals(DeadLetter.MAX_VALUE_BYTES, r.value().length);
                    assertEquals("value: 2097152 bytes, first 262144 kept", header(r, DeadLetter.TRUNCATED));
                }
            }
            assertEquals(expectedReasons, reasons);
            assertEquals(good, read(TOPICS.events(), good).size(), "each good metric fired its alert");

            // Fuzz: seeded random and mutated records, counted by what the topology did with them.
            Rule other = threshold("other", "x", List.of(above(Severity.WARNING, 1))).build();
            MetricFuzz fuzz = new MetricFuzz(2424L, m -> encode(METRICS, m), encode(TOPICS.rules(), other), now);
            try (KafkaProducer<String, byte[]> producer = producer(false)) {
                for (int i = 0; i < FUZZ_RECORDS; i++) {
                    MetricFuzz.Input input = fuzz.next();
                    producer.send(new ProducerRecord<>(METRICS, input.key(), input.value()));
                }
                producer.flush();
            }
            long sent = expectedReasons.size() + good + FUZZ_RECORDS;
            await("every fuzzed record evaluated or dead-lettered", () ->
                    alerting.counters().get(AlertingCounters.Counter.METRICS_EVALUATED)
                            + alerting.counters().get(AlertingCounters.Counter.METRICS_DEAD_LETTERED) == sent);
            long deadLettered = alerting.counters().get(AlertingCounters.Counter.METRICS_DEAD_LETTERED);
            assertEquals(deadLettered, read(TOPICS.dlqMetrics(), (int) deadLettered).size(),
                    "each dead-lettered record is on the dead-letter topic");
            assertEquals(KafkaStreams.State.RUNNING, streams.state());
            assertEquals(0, threadDeaths.get(), "no stream thread died");
            streams.close(Duration.ofSeconds(30));
        }
    }

    private static Metric.Builder metric(String instance, Instant at) {
        return Metric.newBuilder().setTimestamp(at).setDatabaseType("postgresql").setInstanceId(instance)
                .setMetricName("connections_used_ratio").setValue(95).setTags(Map.of("environment", "prod"))
                .setMetadata(new MetricMetadata(1L, "it", "c"));
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(50);
        }
    }

    private static KafkaStreams streams(AlertingTopology alerting) {
        Properties props = new Properties();
        props.putAll(AlertingTopology.requiredStreamsConfig());
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "poison-records-it");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        return new KafkaStreams(alerting.topology(), props);
    }

    private static KafkaProducer<String, byte[]> producer(boolean compressing) {
        Map<String, Object> config = new HashMap<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1));
        if (compressing) {
            // How a value larger than the broker's limit once uncompressed reaches the topic.
            config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "gzip");
            config.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 4 << 20);
        }
        return new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
    }

    private static void send(KafkaProducer<String, byte[]> producer, String topic, String key, byte[] value) throws Exception {
        producer.send(new ProducerRecord<>(topic, key, value)).get(30, TimeUnit.SECONDS);
    }

    @SuppressWarnings("unchecked")
    private static <T extends SpecificRecord> byte[] encode(String topic, T value) {
        return AvroSerdes.valueSerde((Class<T>) value.getClass(), SERDE).serializer().serialize(topic, value);
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        return r.headers().lastHeader(name) == null ? null : new String(r.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    /** Committed records of {@code topic}, read until {@code count} arrived (or 60 s), then 2 s more for extras. */
    private static List<ConsumerRecord<byte[], byte[]>> read(String topic, int count) {
        Map<String, Object> config = Map.of("bootstrap.servers", broker.bootstrapServers(), "group.id", "it-" + UUID.randomUUID(),
                "auto.offset.reset", "earliest", "isolation.level", "read_committed");
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
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
