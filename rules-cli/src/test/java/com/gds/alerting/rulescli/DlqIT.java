package com.gds.alerting.rulescli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.gds.alerting.avro.Metric;
import com.gds.alerting.avro.MetricMetadata;
import com.gds.alerting.avro.serde.GdsAvroSerializer;
import com.gds.alerting.avro.serde.InMemorySchemaRegistry;
import com.gds.alerting.contract.DeadLetterHeaders;
import com.gds.alerting.kafka.embedded.EmbeddedKafkaBroker;

/**
 * {@code gds-rules dlq} against the in-process broker: dead letters listed and shown with the header
 * contract, replayed to their source once (twice sends nothing), duplicates from two consumers
 * replayed once, truncated and destination-less letters refused, filters, dry run.
 */
class DlqIT {

    private static EmbeddedKafkaBroker broker;
    private static Admin admin;
    private static KafkaProducer<byte[], byte[]> producer;

    private final String scope = "dlq-it-" + UUID.randomUUID();
    private final String registry = InMemorySchemaRegistry.SCHEME + scope;
    private String source;
    private String dlq;
    private String ledger;

    @BeforeAll
    static void startBroker() {
        broker = EmbeddedKafkaBroker.startTemporary();
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()));
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()),
                new ByteArraySerializer(), new ByteArraySerializer());
    }

    @AfterAll
    static void stopBroker() {
        producer.close();
        admin.close();
        broker.close();
    }

    @BeforeEach
    void createTopics() throws Exception {
        String id = UUID.randomUUID().toString();
        source = "gds.metrics.postgresql." + id;
        dlq = "gds.dlq.metrics." + id;
        ledger = "gds.replay.ledger." + id;
        admin.createTopics(List.of(new NewTopic(source, 2, (short) 1), new NewTopic(dlq, 1, (short) 1))).all().get();
    }

    /** A dead letter as the writers make it: original bytes and headers plus the contract's headers. */
    private void deadLetter(String key, byte[] value, long timestamp, String reason, String processor, Integer sourcePartition,
                            Long sourceOffset, String truncated) throws Exception {
        Headers headers = new RecordHeaders();
        headers.add("traceparent", "00-abc-01".getBytes(StandardCharsets.UTF_8));
        DeadLetterHeaders.set(headers, DeadLetterHeaders.REASON, reason);
        DeadLetterHeaders.set(headers, DeadLetterHeaders.ERROR, "the " + reason.toLowerCase() + " sentence\nsecond line");
        DeadLetterHeaders.set(headers, DeadLetterHeaders.PROCESSOR, processor);
        if (sourceOffset != null) {
            DeadLetterHeaders.set(headers, DeadLetterHeaders.SOURCE_TOPIC, source);
            DeadLetterHeaders.set(headers, DeadLetterHeaders.SOURCE_PARTITION, Integer.toString(sourcePartition));
            DeadLetterHeaders.set(headers, DeadLetterHeaders.SOURCE_OFFSET, Long.toString(sourceOffset));
        }
        if (truncated != null) {
            DeadLetterHeaders.set(headers, DeadLetterHeaders.TRUNCATED, truncated);
        }
        producer.send(new ProducerRecord<>(dlq, 0, timestamp, key.getBytes(StandardCharsets.UTF_8), value, headers)).get();
    }

    private byte[] metric(String instance) {
        GdsAvroSerializer<Metric> serializer = new GdsAvroSerializer<>();
        serializer.configure(Map.of("schema.registry.url", registry), false);
        return serializer.serialize(source, Metric.newBuilder().setTimestamp(Instant.parse("2020-01-01T10:00:00Z"))
                .setDatabaseType("postgresql").setInstanceId(instance).setMetricName("connections_used").setValue(42.0)
                .setTags(Map.of()).setMetadata(new MetricMetadata(1L, "it", "c")).build());
    }

    /** Four letters: one record refused by two consumers, a truncated one, one without source headers, one good. */
    private void fourLetters() throws Exception {
        long t = Instant.parse("2020-01-01T10:00:00Z").toEpochMilli();
        deadLetter("db-1", "not avro".getBytes(StandardCharsets.UTF_8), t, "WRONG_MAGIC_BYTE", "metric-intake", 1, 7L, null);
        deadLetter("db-1", "not avro".getBytes(StandardCharsets.UTF_8), t + 5, "WRONG_MAGIC_BYTE", "gds-dw-importer", 1, 7L, null);
        deadLetter("db-2", new byte[] {0, 0, 0}, t + 10, "MALFORMED_BODY", "metric-intake", 0, 3L, "value: 300000 bytes, first 262144 kept");
        deadLetter("db-3", "lost".getBytes(StandardCharsets.UTF_8), t + 20, "MALFORMED_BODY", "metric-intake", null, null, null);
        deadLetter("db-4", metric("db-4"), t + 30, "METRIC_TOO_OLD", "metric-intake", 0, 9L, null);
    }

    private CliRun dlq(String command, String... extra) {
        List<String> args = new ArrayList<>(List.of("dlq", command, "--bootstrap", broker.bootstrapServers(), "--topic", dlq));
        if (!command.equals("show")) {
            args.addAll(List.of("--ledger-topic", ledger));
        }
        args.addAll(List.of(extra));
        return CliRun.of(args.toArray(String[]::new));
    }

    /**
     * The committed records on the source topic, once at least {@code expected} are visible: a
     * transaction's commit markers are written just after commitTransaction returns.
     */
    private List<ConsumerRecord<byte[], byte[]>> onSource(int expected) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        List<ConsumerRecord<byte[], byte[]>> records;
        do {
            records = readCommitted();
        } while (records.size() < expected && System.nanoTime() < deadline);
        return records;
    }

    private List<ConsumerRecord<byte[], byte[]>> readCommitted() {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = List.of(new TopicPartition(source, 0), new TopicPartition(source, 1));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p)) && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }

    /** Every offset written to the source topic, committed or not, commit markers included. */
    private long sourceHighWatermarks() throws Exception {
        var request = Map.of(new TopicPartition(source, 0), OffsetSpec.latest(), new TopicPartition(source, 1), OffsetSpec.latest());
        return admin.listOffsets(request).all().get().values().stream().mapToLong(o -> o.offset()).sum();
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        return DeadLetterHeaders.get(r.headers(), name).orElse(null);
    }

    @Test
    void replaySendsEachRefusedRecordOnceWithItsOriginalBytesAndRefusesWhatItCannotSendWhole() throws Exception {
        fourLetters();

        CliRun dry = dlq("replay", "--dry-run");
        assertEquals(1, dry.exit(), dry.toString());
        assertTrue(dry.out().contains("Dry run: would replay 2 of 5 selected"), dry.toString());
        assertEquals(0, sourceHighWatermarks(), "a dry run sends nothing");

        CliRun first = dlq("replay");
        assertEquals(1, first.exit(), "two letters are refused, so the exit says so\n" + first);
        assertTrue(first.out().contains("Replayed 2 of 5 selected dead letter(s); 0 already replayed, 1 duplicate(s) of a record"
                + " replayed once, 2 refused."), first.toString());
        assertTrue(first.out().contains("does not carry the original whole"), first.toString());
        assertTrue(first.out().contains("name it with --to"), first.toString());

        List<ConsumerRecord<byte[], byte[]>> sent = onSource(2);
        assertEquals(2, sent.size(), "the record two consumers refused is sent once, plus db-4");
        long written = sourceHighWatermarks();
        ConsumerRecord<byte[], byte[]> db1 = sent.stream().filter(r -> new String(r.key(), StandardCharsets.UTF_8).equals("db-1"))
                .findFirst().orElseThrow();
        assertEquals("not avro", new String(db1.value(), StandardCharsets.UTF_8));
        assertEquals(Instant.parse("2020-01-01T10:00:00Z").toEpochMilli(), db1.timestamp(), "the original timestamp");
        assertEquals("00-abc-01", header(db1, "traceparent"), "the original headers travel");
        assertEquals(source + "-1@7", header(db1, DeadLetterHeaders.REPLAY_OF));
        assertEquals(dlq + "-0@0", header(db1, DeadLetterHeaders.REPLAY_FROM));
        for (ConsumerRecord<byte[], byte[]> r : sent) {
            r.headers().forEach(h -> assertFalse(DeadLetterHeaders.isContractHeader(h.key()), "stripped: " + h.key()));
        }

        CliRun second = dlq("replay");
        assertEquals(1, second.exit(), second.toString());
        assertTrue(second.out().contains("Replayed 0 of 5 selected dead letter(s); 3 already replayed, 0 duplicate(s)"),
                "both copies of the record two consumers refused are known to the ledger now\n" + second);
        assertEquals(written, sourceHighWatermarks(), "replaying twice sends nothing twice");

        CliRun list = dlq("list");
        assertEquals(0, list.exit(), list.toString());
        assertTrue(list.out().contains(dlq + "-0@0  2020-01-01T10:00:00Z  WRONG_MAGIC_BYTE  key db-1  by metric-intake  from "
                + source + "-1@7  [replayed]"), list.toString());
        assertTrue(list.out().contains("    the wrong_magic_byte sentence\n    second line"), list.toString());
        assertTrue(list.out().contains("[truncated]"), list.toString());
        assertTrue(list.out().contains("5 dead letter(s) selected of 5"), list.toString());
    }

    @Test
    void filtersSelectByReasonKeyProcessorAndTime() throws Exception {
        fourLetters();
        CliRun byReason = dlq("replay", "--reason", "METRIC_TOO_OLD");
        assertEquals(0, byReason.exit(), byReason.toString());
        List<ConsumerRecord<byte[], byte[]>> sent = onSource(1);
        assertEquals(1, sent.size());
        assertEquals("db-4", new String(sent.get(0).key(), StandardCharsets.UTF_8));

        assertTrue(dlq("list", "--key", "db-1").out().contains("2 dead letter(s) selected of 5"));
        assertTrue(dlq("list", "--processor", "gds-dw-importer").out().contains("1 dead letter(s) selected of 5"));
        assertTrue(dlq("list", "--since", "2020-01-01T10:00:00.020Z").out().contains("2 dead letter(s) selected of 5"));
        assertTrue(dlq("list", "--until", "2020-01-01T10:00:00.005Z").out().contains("1 dead letter(s) selected of 5"));
        assertTrue(dlq("list", "--since", "1h").out().contains("0 dead letter(s) selected of 5"),
                "dead letters written in 2026-12-07T10:00 are older than an hour ago only if the clock is past 11:00");

        CliRun bad = dlq("list", "--since", "yesterday");
        assertEquals(2, bad.exit(), bad.toString());
        assertTrue(bad.err().contains("--since 'yesterday' is neither an ISO-8601 instant"), bad.toString());
    }

    @Test
    void replayToAnotherTopicAndNeverToOneThatDoesNotExist() throws Exception {
        fourLetters();
        CliRun missing = dlq("replay", "--key", "db-3", "--to", "no.such.topic");
        assertEquals(1, missing.exit(), missing.toString());
        assertTrue(missing.out().contains("its destination topic 'no.such.topic' does not exist"), missing.toString());
        assertFalse(admin.listTopics().names().get().contains("no.such.topic"), "not created by the replay");

        CliRun to = dlq("replay", "--key", "db-3", "--to", source);
        assertEquals(0, to.exit(), to.toString());
        List<ConsumerRecord<byte[], byte[]>> sent = onSource(1);
        assertEquals(1, sent.size());
        assertEquals(dlq + "-0@3", header(sent.get(0), DeadLetterHeaders.REPLAY_OF),
                "without source headers the dead letter's own coordinates identify it");
    }

    @Test
    void showPrintsTheContractHeadersFirstAndDecodesAvroWithItsWriterSchema() throws Exception {
        fourLetters();
        CliRun avro = dlq("show", "--offset", "4", "--registry", registry);
        assertEquals(0, avro.exit(), avro.toString());
        assertTrue(avro.out().contains("gds.dlq.reason = METRIC_TOO_OLD"), avro.toString());
        assertTrue(avro.out().indexOf("gds.dlq.reason") < avro.out().indexOf("traceparent"), avro.toString());
        assertTrue(avro.out().contains("value: Avro com.gds.alerting.avro.Metric (schema id"), avro.toString());
        assertTrue(avro.out().contains("\"instance_id\": \"db-4\""), avro.toString());

        CliRun text = dlq("show", "--offset", "0", "--registry", registry);
        assertTrue(text.out().contains("value: not Avro in the Confluent wire format (8 bytes): text \"not avro\""), text.toString());

        CliRun past = dlq("show", "--offset", "99", "--registry", registry);
        assertEquals(1, past.exit(), past.toString());
        assertTrue(past.out().contains("No record at " + dlq + "-0@99"), past.toString());
    }

    @Test
    void aMissingTopicIsAnEnvironmentFailure() {
        CliRun run = CliRun.of("dlq", "list", "--bootstrap", broker.bootstrapServers(), "--topic", "gds.dlq.nothing-" + scope,
                "--ledger-topic", "gds.replay.ledger.nothing-" + scope, "--timeout", "5s");
        assertEquals(3, run.exit(), run.toString());
        assertTrue(run.err().contains("does not exist"), run.toString());
    }
}
