package com.gds.alerting.importer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.gds.alerting.avro.AlertEvent;
import com.gds.alerting.avro.AlertState;
import com.gds.alerting.avro.Metric;
import com.gds.alerting.avro.Rule;
import com.gds.alerting.avro.RuleKind;
import com.gds.alerting.avro.Selector;
import com.gds.alerting.avro.Transition;
import com.gds.alerting.avro.serde.AvroSerdeConfig;
import com.gds.alerting.avro.serde.AvroSerdes;
import com.gds.alerting.avro.serde.InMemorySchemaRegistry;
import com.gds.alerting.collectors.MetricPublisher;
import com.gds.alerting.collectors.synthetic.SyntheticFleet;
import com.gds.alerting.contract.GdsTopics;
import com.gds.alerting.importer.consume.DeadLetterPublisher;
import com.gds.alerting.importer.ops.ImporterMetrics;
import com.gds.alerting.importer.testkit.Await;
import com.gds.alerting.importer.testkit.TestRecords;
import com.gds.alerting.importer.testkit.TopicReadiness;
import com.gds.alerting.importer.warehouse.ConnectionFactory;
import com.gds.alerting.kafka.embedded.EmbeddedKafkaBroker;

/**
 * The importer end to end against a real in-process broker and a real warehouse: what the issue
 * asks of every target. One broker per test class; each test has its own topics, consumer group,
 * registry subjects and empty warehouse.
 */
abstract class ImporterContractIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Instant T0 = Instant.parse("2026-11-21T00:00:00Z");
    private static final AtomicInteger TESTS = new AtomicInteger();

    static EmbeddedKafkaBroker broker;
    static Admin admin;
    static final String SCOPE = "importer-it-" + UUID.randomUUID();

    GdsTopics topics;
    Map<String, String> topicSettings;
    String group;
    List<String> sourceTopics;
    SyntheticFleet fleet;
    final Set<String> metricKeys = new HashSet<>();
    private final List<WarehouseImporter> started = new ArrayList<>();

    /** A new empty warehouse for this test; returns its JDBC URL. */
    abstract String newWarehouse() throws Exception;

    /** Connections to the current test's warehouse, as the importer should get them. */
    abstract ConnectionFactory importerConnections();

    /** Connections for the test's own queries. */
    abstract ConnectionFactory testConnections();

    /** Extra importer settings (the warehouse user, say). */
    abstract Map<String, String> warehouseSettings();

    /** The warehouse stops answering. */
    abstract void warehouseDown() throws Exception;

    /** The warehouse answers again. */
    abstract void warehouseUp() throws Exception;

    @BeforeAll
    static void startBroker() {
        broker = EmbeddedKafkaBroker.startTemporary();
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()));
    }

    @AfterAll
    static void stopBroker() {
        admin.close();
        broker.close();
        InMemorySchemaRegistry.dropScope(SCOPE);
    }

    @BeforeEach
    void freshTopicsGroupAndWarehouse() throws Exception {
        int n = TESTS.incrementAndGet();
        topicSettings = Map.of(
                GdsTopics.CONFIG_PREFIX + "metrics-prefix", "t" + n + ".metrics",
                GdsTopics.CONFIG_PREFIX + "events", "t" + n + ".alerts.events",
                GdsTopics.CONFIG_PREFIX + "dlq-metrics", "t" + n + ".dlq.metrics");
        topics = GdsTopics.fromConfig(topicSettings);
        group = "importer-it-" + n;
        fleet = new SyntheticFleet(new Random(n), 2, 0);
        sourceTopics = new ArrayList<>(fleet.topicsUsed().stream().map(e -> topics.metricsTopic(e.getKey(), e.getValue())).toList());
        sourceTopics.add(topics.events());
        List<NewTopic> create = new ArrayList<>(sourceTopics.stream().map(t -> new NewTopic(t, 3, (short) 1)).toList());
        create.add(new NewTopic(topics.dlqMetrics(), 1, (short) 1));
        admin.createTopics(create).all().get();
        TopicReadiness.await(admin, sourceTopics, 3);
        TopicReadiness.await(admin, List.of(topics.dlqMetrics()), 1);
        newWarehouse();
    }

    @AfterEach
    void stopImporters() {
        started.forEach(WarehouseImporter::close);
    }

    @Test
    void loadsEveryRecordExactlyOnceAndCommitsOnlyThen() throws Exception {
        publishMetricCycles(0, 3);
        publishAlertEvents();
        WarehouseImporter importer = startImporter(null);

        awaitCommittedToTheEnd();

        assertEquals(metricKeys.size(), count("SELECT COUNT(*) FROM fact_metric"));
        assertEquals(4, count("SELECT COUNT(*) FROM fact_alert_event"));
        assertEquals(8, count("SELECT COUNT(*) FROM dim_instance"));
        assertEquals(1, count("SELECT COUNT(*) FROM fact_alert_event WHERE transition = 'COMMAND_REJECTED'"),
                "an event written with a newer schema (new field, new enum symbol) loads as written");
        // The counters are updated just after the commit the await above saw: wait for them too.
        Await.until(WAIT, "the rows-loaded counter", () -> importer.metrics().metricRowsLoaded() == metricKeys.size());
        assertEquals(200, http(importer, "/health").statusCode());
        assertTrue(http(importer, "/metrics").body().contains(
                "gds_importer_rows_loaded_total{table=\"fact_metric\"} " + metricKeys.size()));

        importer.close();
        assertFalse(importer.isAlive());
        assertEquals(ImporterMetrics.State.STOPPED, importer.metrics().state());
    }

    @Test
    void crashBetweenLoadAndCommitThenRestartLeavesExactlyOneFactPerRecord() throws Exception {
        publishMetricCycles(0, 3);
        WarehouseImporter crashing = startImporter(offsets -> {
            throw new SimulatedCrash();
        });
        Await.until(WAIT, "the importer to crash at its first commit", () -> !crashing.isAlive());
        long loadedBeforeCrash = count("SELECT COUNT(*) FROM fact_metric");
        assertTrue(loadedBeforeCrash > 0, "the first batch was loaded before the crash");
        assertTrue(committed().isEmpty(), "nothing was committed: " + committed());
        assertEquals(ImporterMetrics.State.FAILED, crashing.metrics().state());

        WarehouseImporter restarted = startImporter(null);
        awaitCommittedToTheEnd();

        assertEquals(metricKeys.size(), count("SELECT COUNT(*) FROM fact_metric"));
        Await.until(WAIT, "the restarted importer to load the crashed batch again (the merge keeps one of each)",
                () -> restarted.metrics().metricRowsLoaded() == metricKeys.size());
    }

    @Test
    void poisonRecordsInTheMiddleAreDeadLetteredWithTheReasonAndTheRestLoads() throws Exception {
        publishMetricCycles(0, 1);
        String metricsTopic = sourceTopics.get(0);
        try (KafkaProducer<byte[], byte[]> producer = rawProducer()) {
            producer.send(new ProducerRecord<>(metricsTopic, "pg-prod-01".getBytes(StandardCharsets.UTF_8),
                    "not avro at all".getBytes(StandardCharsets.UTF_8))).get();
            producer.send(new ProducerRecord<>(metricsTopic, "pg-prod-01".getBytes(StandardCharsets.UTF_8),
                    TestRecords.metricWithoutName(SCOPE, metricsTopic))).get();
        }
        publishMetricCycles(1, 2);
        startImporter(null);

        awaitCommittedToTheEnd();

        assertEquals(metricKeys.size(), count("SELECT COUNT(*) FROM fact_metric"));
        List<ConsumerRecord<byte[], byte[]>> dead = readAll(topics.dlqMetrics(), 2);
        Map<String, String> codes = dead.stream().collect(Collectors.toMap(
                r -> new String(r.value(), StandardCharsets.UTF_8).startsWith("not avro") ? "raw" : "nameless",
                r -> header(r, DeadLetterPublisher.REASON_CODE)));
        assertEquals(Map.of("raw", "WRONG_MAGIC_BYTE", "nameless", "MISSING_FIELD"), codes);
        ConsumerRecord<byte[], byte[]> nameless = dead.stream()
                .filter(r -> header(r, DeadLetterPublisher.REASON_CODE).equals("MISSING_FIELD")).findFirst().orElseThrow();
        assertEquals("MISSING_FIELD", header(nameless, DeadLetterPublisher.REASON));
        assertTrue(header(nameless, DeadLetterPublisher.ERROR).contains("'metric_name'"), header(nameless, DeadLetterPublisher.ERROR));
        assertEquals(metricsTopic, header(nameless, DeadLetterPublisher.SOURCE_TOPIC));
    }

    /**
     * Issue 24, items 2-4: each of these once killed the importer or stalled it forever. Now each is
     * dead-lettered with its reason (the same reason the alerting topology gives), the good records
     * around them load, and the importer keeps running.
     */
    @Test
    void recordsThatOnceStoppedTheImporterAreDeadLetteredAndTheRestLoads() throws Exception {
        publishMetricCycles(0, 1);
        String metricsTopic = sourceTopics.get(0);
        Map<String, Object> serde = Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, "mem://" + SCOPE);
        Map<String, String> expected = new HashMap<>();
        try (Serde<Metric> metrics = AvroSerdes.valueSerde(Metric.class, serde);
             Serde<Rule> rules = AvroSerdes.valueSerde(Rule.class, serde);
             KafkaProducer<byte[], byte[]> producer = rawProducer()) {
            java.util.function.BiConsumer<String, Metric> send = (code, m) -> {
                expected.put(m.getInstanceId(), code);
                sendQuietly(producer, metricsTopic, m.getInstanceId(), metrics.serializer().serialize(metricsTopic, m));
            };
            Metric good = Metric.newBuilder().setTimestamp(T0).setDatabaseType("postgresql").setInstanceId("x")
                    .setMetricName("up").setValue(1).setMetadata(new com.gds.alerting.avro.MetricMetadata(1L, "t", "c"))
                    .build();
            send.accept("TIMESTAMP_OUT_OF_RANGE", Metric.newBuilder(good).setInstanceId("pre-1970")
                    .setTimestamp(Instant.parse("1969-12-31T23:59:59Z")).build());
            send.accept("FUTURE_TIMESTAMP", Metric.newBuilder(good).setInstanceId("year-292278994")
                    .setTimestamp(Instant.ofEpochMilli(Long.MAX_VALUE)).build());
            send.accept("NON_FINITE_VALUE", Metric.newBuilder(good).setInstanceId("nan").setValue(Double.NaN).build());
            send.accept("NON_FINITE_VALUE", Metric.newBuilder(good).setInstanceId("inf")
                    .setValue(Double.POSITIVE_INFINITY).build());
            send.accept("FIELD_TOO_LONG", Metric.newBuilder(good).setInstanceId("big-tag")
                    .setTags(Map.of("big", "x".repeat(20_000))).build());

            int metricId = java.nio.ByteBuffer.wrap(metrics.serializer().serialize(metricsTopic, good), 1, 4).getInt();
            byte[] hostile = java.nio.ByteBuffer.allocate(11).put((byte) 0).putInt(metricId).put((byte) 0x02)
                    .put(new byte[] {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x10}).array();
            expected.put("hostile-length", "MALFORMED_BODY");
            sendQuietly(producer, metricsTopic, "hostile-length", hostile);

            Rule rule = Rule.newBuilder().setRuleId("r").setKind(RuleKind.THRESHOLD)
                    .setSelector(new Selector("up", List.of())).build();
            expected.put("a-rule", "INCOMPATIBLE_SCHEMA");
            sendQuietly(producer, metricsTopic, "a-rule", rules.serializer().serialize("gds.rules", rule));
        }
        try (KafkaProducer<byte[], byte[]> compressing = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ProducerConfig.COMPRESSION_TYPE_CONFIG, "gzip", ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 4 << 20),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            byte[] garbage = new byte[2 << 20];
            java.util.Arrays.fill(garbage, (byte) 7);
            expected.put("two-megabytes", "WRONG_MAGIC_BYTE");
            sendQuietly(compressing, metricsTopic, "two-megabytes", garbage);
        }
        publishMetricCycles(1, 2);
        WarehouseImporter importer = startImporter(null);

        awaitCommittedToTheEnd();

        assertEquals(metricKeys.size(), count("SELECT COUNT(*) FROM fact_metric"), "every good metric loaded");
        Map<String, String> codes = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : readAll(topics.dlqMetrics(), expected.size())) {
            codes.put(new String(r.key(), StandardCharsets.UTF_8), header(r, DeadLetterPublisher.REASON_CODE));
            if (new String(r.key(), StandardCharsets.UTF_8).equals("two-megabytes")) {
                assertEquals(com.gds.alerting.contract.DeadLetterLimits.MAX_VALUE_BYTES, r.value().length);
                assertEquals("value: 2097152 bytes, first 262144 kept",
                        header(r, com.gds.alerting.contract.DeadLetterLimits.TRUNCATED));
            }
        }
        assertEquals(expected, codes);
        assertEquals(ImporterMetrics.State.RUNNING, importer.metrics().state());
        assertTrue(importer.isAlive());
    }

    @Test
    void warehouseOutageCommitsNothingAndLosesNothing() throws Exception {
        publishMetricCycles(0, 1);
        WarehouseImporter importer = startImporter(null);
        awaitCommittedToTheEnd();
        Map<TopicPartition, Long> before = committed();
        long loadedBefore = count("SELECT COUNT(*) FROM fact_metric");

        warehouseDown();
        publishMetricCycles(1, 3);
        Await.until(WAIT, "two failed attempts at the next batch", () -> importer.metrics().failedAttempts() >= 2);

        assertEquals(before, committed(), "no offset moves while the warehouse is down");
        assertEquals(503, http(importer, "/health").statusCode());
        assertTrue(http(importer, "/health").body().contains("RETRYING"));
        // Counted before the warehouse is back: once it is, the importer's next retry may load the batch at once.
        OptionalLong duringOutage = countWhileDown("SELECT COUNT(*) FROM fact_metric");
        duringOutage.ifPresent(n -> assertEquals(loadedBefore, n, "nothing of the failed batch is in"));
        warehouseUp();

        awaitCommittedToTheEnd();
        assertEquals(metricKeys.size(), count("SELECT COUNT(*) FROM fact_metric"));
        assertEquals(200, http(importer, "/health").statusCode());
    }

    // ---- helpers -------------------------------------------------------------------------

    WarehouseImporter startImporter(com.gds.alerting.importer.consume.ImporterLoop.BeforeCommit hook) {
        Map<String, String> settings = new HashMap<>(warehouseSettings());
        settings.put("kafka.bootstrap.servers", broker.bootstrapServers());
        settings.put("kafka.group.id", group);
        settings.put("schema.registry.url", "mem://" + SCOPE);
        settings.putAll(topicSettings);
        settings.put("importer.batch.max-records", "200");
        settings.put("importer.batch.max-wait", "200ms");
        settings.put("importer.retry.initial-backoff", "100ms");
        settings.put("importer.retry.max-backoff", "400ms");
        settings.put("importer.http.port", "0");
        ImporterConfig config = ImporterConfig.parse(settings, "test settings", System::getenv);
        WarehouseImporter.Builder builder = WarehouseImporter.builder(config).connections(importerConnections());
        if (hook != null) {
            builder.beforeCommit(hook);
        }
        WarehouseImporter importer = builder.start();
        started.add(importer);
        return importer;
    }

    void publishMetricCycles(int from, int to) {
        Map<String, Object> serde = Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, "mem://" + SCOPE);
        try (MetricPublisher publisher = new MetricPublisher(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()), serde, topics)) {
            for (int c = from; c < to; c++) {
                Instant at = T0.plusSeconds(5L * c);
                for (Metric m : fleet.cycle(at, Duration.ofSeconds(5)).metrics()) {
                    publisher.publish(m);
                    metricKeys.add(m.getInstanceId() + "|" + m.getMetricName() + "|" + m.getTimestamp().toEpochMilli());
                }
            }
            publisher.flush();
            assertEquals(0, publisher.failedCount());
        }
    }

    void publishAlertEvents() throws Exception {
        Map<String, Object> serde = Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, "mem://" + SCOPE);
        try (Serde<AlertEvent> events = AvroSerdes.valueSerde(AlertEvent.class, serde);
             KafkaProducer<byte[], byte[]> producer = rawProducer()) {
            List<AlertEvent> lifecycle = List.of(
                    TestRecords.event("pg-prod-01", 1, Transition.FIRED, AlertState.FIRING, T0),
                    TestRecords.event("pg-prod-01", 1, Transition.ACKNOWLEDGED, AlertState.ACKNOWLEDGED, T0.plusSeconds(60)),
                    TestRecords.event("pg-prod-01", 1, Transition.RESOLVED, AlertState.RESOLVED, T0.plusSeconds(600)));
            for (AlertEvent e : lifecycle) {
                producer.send(new ProducerRecord<>(topics.events(), e.getAlertKey().getBytes(StandardCharsets.UTF_8),
                        events.serializer().serialize(topics.events(), e))).get();
            }
            producer.send(new ProducerRecord<>(topics.events(), "k".getBytes(StandardCharsets.UTF_8),
                    TestRecords.rejectedCommandEvent(SCOPE, topics.events(), "pg-prod-02", T0.plusSeconds(700)))).get();
        }
    }

    void awaitCommittedToTheEnd() throws Exception {
        Map<TopicPartition, Long> end = endOffsets();
        Await.until(WAIT, "group " + group + " to commit up to " + end, () -> committed().equals(end));
    }

    Map<TopicPartition, Long> committed() throws Exception {
        Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata().get();
        Map<TopicPartition, Long> out = new HashMap<>();
        offsets.forEach((tp, om) -> {
            if (om != null) {
                out.put(tp, om.offset());
            }
        });
        return out;
    }

    Map<TopicPartition, Long> endOffsets() throws Exception {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        for (String topic : sourceTopics) {
            for (int p = 0; p < 3; p++) {
                request.put(new TopicPartition(topic, p), OffsetSpec.latest());
            }
        }
        Map<TopicPartition, Long> out = new HashMap<>();
        admin.listOffsets(request).all().get().forEach((tp, info) -> {
            if (info.offset() > 0) {
                out.put(tp, info.offset());
            }
        });
        return out;
    }

    /**
     * {@link #count} while the importer sees the warehouse down, where the test can still read it;
     * empty where the outage is the whole server (nothing can be in: no transaction of the failed
     * attempt ever began).
     */
    OptionalLong countWhileDown(String sql) throws SQLException {
        return OptionalLong.of(count(sql));
    }

    long count(String sql) throws SQLException {
        try (Connection c = testConnections().open(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    List<ConsumerRecord<byte[], byte[]>> readAll(String topic, int expected) throws Exception {
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, group + "-reader",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            Await.until(WAIT, expected + " records on " + topic, () -> {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
                return out.size() >= expected;
            });
        }
        assertEquals(expected, out.size());
        return out;
    }

    static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        return new String(r.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    private static void sendQuietly(KafkaProducer<byte[], byte[]> producer, String topic, String key, byte[] value) {
        try {
            producer.send(new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), value)).get();
        } catch (Exception e) {
            throw new IllegalStateException("could not send " + key, e);
        }
    }

    KafkaProducer<byte[], byte[]> rawProducer() {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()),
                new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static HttpResponse<String> http(WarehouseImporter importer, String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://localhost:" + importer.httpPort() + path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Thrown by the commit seam to play a process dying between load and commit. */
    static final class SimulatedCrash extends RuntimeException {
        private static final long serialVersionUID = 1L;

        SimulatedCrash() {
            super("simulated crash between load and commit");
        }
    }
}
