package com.gds.alerting.collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.gds.alerting.avro.Metric;
import com.gds.alerting.avro.serde.AvroSerdeConfig;
import com.gds.alerting.avro.serde.GdsAvroDeserializer;
import com.gds.alerting.avro.serde.InMemorySchemaRegistry;
import com.gds.alerting.collectors.spool.DeadLetterFixtures;
import com.gds.alerting.collectors.spool.DeadLetterReplay;
import com.gds.alerting.kafka.embedded.EmbeddedKafkaBroker;

/**
 * {@code collectors dead-letters list|replay} against a real broker that does not create topics:
 * the records an agent parked for a mistyped environment are listed, checked, redirected to the
 * right topic with the right tag, sent once only, and a parked write still in progress waits for
 * the next replay.
 */
class DeadLettersCommandIT {

    private static final String SCOPE = "dead-letters-it";
    private static final String TYPO = "gds.metrics.postgresql.prdo";
    private static final String PROD = "gds.metrics.postgresql.prod";
    private static final String LATER = "gds.metrics.postgresql.staging";
    private static EmbeddedKafkaBroker broker;

    @TempDir
    static Path dir;

    @BeforeAll
    static void start() throws Exception {
        broker = EmbeddedKafkaBroker.builder().build().start();
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic(PROD, 2, (short) 1))).all().get();
        }
    }

    @AfterAll
    static void stop() {
        broker.close();
        InMemorySchemaRegistry.dropScope(SCOPE);
    }

    private static Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()));
    }

    private record Run(int exit, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.run(new CountDownLatch(1), new PrintWriter(out), new PrintWriter(err), args);
        return new Run(exit, out.toString(), err.toString());
    }

    private static Path config() throws Exception {
        Path file = dir.resolve("collectors.yaml");
        Files.writeString(file, """
                kafka:
                  bootstrap.servers: "%s"
                schema_registry: {schema.registry.url: "mem://%s"}
                agent: {spool_dir: spool, health_port: "-1"}
                targets:
                """.formatted(broker.bootstrapServers(), SCOPE)
                + TestConfigs.pgTarget("pg-typo", "prdo", "jdbc:postgresql://127.0.0.1:1/none", "30s", "5s"));
        return file;
    }

    private static List<Metric> read(String topic) {
        GdsAvroDeserializer<Metric> deserializer = new GdsAvroDeserializer<>(Metric.class);
        deserializer.configure(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, "mem://" + SCOPE), false);
        List<Metric> out = new ArrayList<>();
        try (KafkaConsumer<String, Metric> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new StringDeserializer(), deserializer)) {
            List<TopicPartition> parts = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            Map<TopicPartition, Long> end = consumer.endOffsets(parts);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (parts.stream().anyMatch(p -> consumer.position(p) < end.get(p)) && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> {
                    assertEquals(r.value().getInstanceId(), r.key());
                    out.add(r.value());
                });
            }
        }
        out.sort(java.util.Comparator.comparing(Metric::getTimestamp));
        return out;
    }

    @Test
    void parkedRecordsAreListedRedirectedOnceAndAWriteInProgressWaits() throws Exception {
        Path config = config();
        Path spool = dir.resolve("spool");
        List<Metric> parked = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Metric m = DeadLetterFixtures.metric("pg-typo", "connections_used", 10 + i, 1_796_000_000_000L + i * 30_000L, "prdo");
            DeadLetterFixtures.append(spool, TYPO, m);
            parked.add(m);
        }
        Metric staging = DeadLetterFixtures.metric("pg-stg", "up", 1, 1_796_000_000_000L, "staging");
        DeadLetterFixtures.append(spool, LATER, staging);
        Files.writeString(spool.resolve("dead-letter/reasons.log"),
                "2026-12-07T10:00:00Z parked " + TYPO + ": topic " + TYPO + " does not exist\n");
        // The agent is writing a fourth record as the operator looks.
        Metric fourth = DeadLetterFixtures.metric("pg-typo", "connections_used", 13, 1_796_000_090_000L, "prdo");
        byte[] frame = DeadLetterFixtures.frame(TYPO, fourth);
        Path typoFile = new DeadLetterReplay(spool, Clock.systemUTC()).fileOf(TYPO);
        DeadLetterFixtures.appendBytes(typoFile, frame, 0, 6);

        Run list = run("dead-letters", "list", "--config", config.toString());
        assertEquals(0, list.exit(), list.err());
        assertTrue(list.out().contains(TYPO) && list.out().contains("records: 3 (0 replayed, 3 pending)"), list.out());
        assertTrue(list.out().contains("instances [pg-typo]") && list.out().contains("does not exist"), list.out());
        assertTrue(list.out().contains("6 bytes at the end are not a whole record yet"), list.out());
        assertTrue(list.out().contains(LATER) && list.out().contains("records: 1 (0 replayed, 1 pending)"), list.out());

        // As the records are: their topics still do not exist. Nothing is sent, nothing is marked.
        Run refused = run("dead-letters", "replay", "--config", config.toString());
        assertEquals(1, refused.exit(), refused.out());
        assertTrue(refused.err().contains("cannot replay to " + TYPO + ": topic " + TYPO + " does not exist"), refused.err());
        assertTrue(refused.err().contains("cannot replay to " + LATER), refused.err());

        Run dry = run("dead-letters", "replay", "--config", config.toString(), "--topic", TYPO, "--to", PROD,
                "--set-tag", "environment=prod", "--dry-run");
        assertEquals(0, dry.exit(), dry.err());
        assertTrue(dry.out().contains("would replay 3 records to " + PROD), dry.out());
        assertEquals(List.of(), read(PROD), "a dry run sends nothing");

        Run replay = run("dead-letters", "replay", "--config", config.toString(), "--topic", TYPO, "--to", PROD,
                "--set-tag", "environment=prod");
        assertEquals(0, replay.exit(), replay.err());
        assertTrue(replay.out().contains("replayed 3 records to " + PROD + "; 0 pending"), replay.out());
        List<Metric> arrived = read(PROD);
        assertEquals(3, arrived.size());
        for (int i = 0; i < 3; i++) {
            Metric want = parked.get(i);
            Metric got = arrived.get(i);
            assertEquals(want.getTimestamp(), got.getTimestamp());
            assertEquals(want.getValue(), got.getValue());
            assertEquals(want.getMetadata(), got.getMetadata());
            assertEquals("prod", got.getTags().get("environment"), "the corrected environment");
        }

        Run again = run("dead-letters", "replay", "--config", config.toString(), "--topic", TYPO, "--to", PROD,
                "--set-tag", "environment=prod");
        assertEquals(0, again.exit(), again.err());
        assertTrue(again.out().contains("replayed 0 records"), again.out());
        assertEquals(3, read(PROD).size(), "replaying twice sends nothing twice");

        // The agent finishes its write: the next replay sends that record only.
        DeadLetterFixtures.appendBytes(typoFile, frame, 6, frame.length);
        Run rest = run("dead-letters", "replay", "--config", config.toString(), "--topic", TYPO, "--to", PROD,
                "--set-tag", "environment=prod");
        assertEquals(0, rest.exit(), rest.err());
        assertTrue(rest.out().contains("replayed 1 records"), rest.out());
        List<Metric> all = read(PROD);
        assertEquals(4, all.size());
        assertEquals(fourth.getTimestamp(), all.get(3).getTimestamp());

        // The other topic is created: its record goes to its own topic, untouched.
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic(LATER, 1, (short) 1))).all().get();
        }
        Run own = run("dead-letters", "replay", "--config", config.toString(), "--topic", LATER);
        assertEquals(0, own.exit(), own.err());
        assertEquals(List.of(staging), read(LATER));

        Run after = run("dead-letters", "list", "--config", config.toString());
        assertTrue(after.out().contains("records: 4 (4 replayed, 0 pending)")
                && after.out().contains("records: 1 (1 replayed, 0 pending)"), after.out());
    }

    @Test
    void redirectingAllTopicsAtOnceIsRefused() throws Exception {
        Run r = run("dead-letters", "replay", "--config", config().toString(), "--to", PROD);
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("--to needs --topic"), r.err());
    }
}
