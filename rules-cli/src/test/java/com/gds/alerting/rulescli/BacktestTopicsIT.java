package com.gds.alerting.rulescli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.gds.alerting.avro.Metric;
import com.gds.alerting.avro.MetricMetadata;
import com.gds.alerting.avro.serde.AvroClassTrust;
import com.gds.alerting.avro.serde.AvroSerdes;
import com.gds.alerting.avro.serde.InMemorySchemaRegistry;
import com.gds.alerting.kafka.embedded.EmbeddedKafkaBroker;

/**
 * {@code gds-rules backtest} reading the metrics topics of the in-process broker for a time range,
 * and reading the current rules from the rules topic. One broker for the class; each test has its
 * own topic prefix and registry scope.
 */
class BacktestTopicsIT {

    private static final Instant T0 = Instant.parse("2026-03-02T10:00:00Z");

    private static EmbeddedKafkaBroker broker;
    private static Admin admin;

    private final String scope = "backtest-it-" + UUID.randomUUID();
    private final String registry = InMemorySchemaRegistry.SCHEME + scope;
    /** This test's metrics topics are {@code prefix.<type>.<environment>}. */
    private final String prefix = "bt" + UUID.randomUUID().toString().substring(0, 8) + ".metrics";
    private KafkaProducer<String, Metric> producer;

    @TempDir
    Path dir;

    @BeforeAll
    static void startBroker() {
        broker = EmbeddedKafkaBroker.startTemporary();
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()));
    }

    @AfterAll
    static void stopBroker() {
        admin.close();
        broker.close();
    }

    @BeforeEach
    void producer() {
        AvroClassTrust.install();
        Serializer<Metric> values = AvroSerdes.valueSerde(Metric.class, Map.of("schema.registry.url", registry)).serializer();
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), values);
    }

    @AfterEach
    void close() {
        producer.close();
        InMemorySchemaRegistry.dropScope(scope);
    }

    private void createTopics(String... namesAndPartitions) throws Exception {
        List<NewTopic> topics = new java.util.ArrayList<>();
        for (int i = 0; i < namesAndPartitions.length; i += 2) {
            topics.add(new NewTopic(namesAndPartitions[i], Integer.parseInt(namesAndPartitions[i + 1]), (short) 1));
        }
        admin.createTopics(topics).all().get();
    }

    /**
     * A sample of {@code type} measured {@code minute} minutes after T0, sent {@code sentAfter} minutes
     * after that (the record timestamp is when the collector sent it) to {@code partition}.
     */
    private void send(String topic, int partition, String type, String instance, int minute, double value, int sentAfter)
            throws Exception {
        Instant measured = T0.plusSeconds(60L * minute);
        Metric m = Metric.newBuilder().setTimestamp(measured).setDatabaseType(type).setInstanceId(instance)
                .setMetricName("connections_used_ratio").setValue(value).setTags(Map.of("environment", "prod"))
                .setMetadata(new MetricMetadata(5L, "it", "c" + minute)).build();
        producer.send(new ProducerRecord<>(topic, partition, measured.plusSeconds(60L * sentAfter).toEpochMilli(), instance, m))
                .get();
    }

    private static String rule(String id, double threshold) {
        return "rules:\n  - id: " + id + "\n    metric: connections_used_ratio\n    severities: {warning: '> " + threshold + "'}\n"
                + "    for: 1m\n";
    }

    private static String squeeze(String s) {
        return s.replaceAll("[ ]+", " ");
    }

    @Test
    void replaysTheTimeRangeOfEveryMetricsTopic() throws Exception {
        String pg = prefix + ".postgresql.prod";
        String mssql = prefix + ".mssql.prod";
        String elsewhere = "other" + UUID.randomUUID().toString().substring(0, 8) + ".postgresql.prod";
        createTopics(pg, "2", mssql, "1", elsewhere, "1");
        // One sample a minute per instance, sent in time order as collectors do. The range is [10:00, 10:15).
        for (int minute = -10; minute < 30; minute++) {
            // pg-1 (partition 0), 9:50-10:29: a breach before the range (9:52-9:55), one inside (10:03-10:06)
            // and one after it (10:20-10:25).
            boolean breach = minute >= -8 && minute <= -5 || minute >= 3 && minute <= 6 || minute >= 20 && minute <= 25;
            send(pg, 0, "postgresql", "pg-1", minute, breach ? 0.9 : 0.5, 0);
            if (minute >= 0 && minute < 15) {
                // pg-2 (partition 1) breaches from 10:10 to the end of the range.
                send(pg, 1, "postgresql", "pg-2", minute, minute >= 10 ? 0.95 : 0.4, 0);
                // sql-1 breaches at 10:12 and 10:13, samples that reach Kafka 3 minutes late (within
                // --max-delay 5m); the one measured at 10:14 reaches it 7 minutes late (10:21: past
                // --to + --max-delay), which ends that partition's read.
                send(mssql, 0, "mssql", "sql-1", minute, minute >= 12 ? 0.99 : 0.3, minute == 14 ? 7 : minute >= 12 ? 3 : 0);
                // A topic outside the prefix is not read, whatever it holds.
                send(elsewhere, 0, "postgresql", "pg-9", minute, 0.99, 0);
            }
        }
        Path candidate = CliRun.write(dir, "candidate.yaml", rule("conn", 0.8));

        CliRun run = CliRun.of("backtest", "--bootstrap", broker.bootstrapServers(), "--registry", registry,
                "--metrics-prefix", prefix, "--no-current", "--rules", candidate.toString(),
                "--from", "2026-03-02T10:00:00Z", "--to", "2026-03-02T10:15:00Z");

        assertEquals(0, run.exit(), run.toString());
        String out = squeeze(run.out());
        // Read: pg-1 from 10:00 (offsetsForTimes) up to its first record sent at or after 10:20 (20 records);
        // pg-2's 15; sql-1's 14 sent before 10:20 (the 10:14 one, sent 10:21, stops the partition).
        assertTrue(out.contains("Read 49 records from 3 partitions of 2 topics (" + mssql + ", " + pg + ")"), run.out());
        // In range: pg-1 15, pg-2 15, sql-1 14.
        assertTrue(out.contains("Replayed 44 samples up to 2026-03-02T10:15:00Z"), run.out());
        // pg-1: fires 10:04, resolves 10:07 (3m): FIRED + RESOLVED. Neither earlier nor later breach counts.
        assertTrue(out.contains("conn pg-1 connections_used_ratio | 1 3m 2"), run.out());
        // pg-2: fires at 10:11, still firing at --to: open, counted up to its last sample in range (10:14): 3m, FIRED only.
        assertTrue(out.contains("conn pg-2 connections_used_ratio | 1 3m 1"), run.out());
        assertTrue(out.contains("#1 2026-03-02T10:11:00Z -> open at the end of the data (series' last sample"
                + " 2026-03-02T10:14:00Z) firing 3m up to 2026-03-02T10:14:00Z"), run.out());
        // sql-1: 10:12 and 10:13 (sent late, still replayed) fire at 10:13, its last sample in range: open, 0s.
        assertTrue(out.contains("conn sql-1 connections_used_ratio | 1 0s 1"), run.out());
        assertTrue(out.contains("#1 2026-03-02T10:13:00Z -> open at the end of the data (series' last sample"
                + " 2026-03-02T10:13:00Z) firing 0s up to 2026-03-02T10:13:00Z"), run.out());
        assertTrue(!out.contains("pg-9"), run.out());
    }

    @Test
    void comparesWithTheRulesCurrentlyOnTheRulesTopic() throws Exception {
        String rulesTopic = "rules-" + UUID.randomUUID();
        admin.createTopics(List.of(new NewTopic(rulesTopic, 1, (short) 1).configs(Map.of("cleanup.policy", "compact"))))
                .all().get();
        Path inForce = CliRun.write(dir, "in-force.yaml", rule("conn", 0.9));
        CliRun published = CliRun.of("publish", "--bootstrap", broker.bootstrapServers(), "--registry", registry,
                "--topic", rulesTopic, inForce.toString());
        assertEquals(0, published.exit(), published.toString());
        StringBuilder csv = new StringBuilder("timestamp,database_type,instance_id,metric_name,value\n");
        double[] values = {0.5, 0.85, 0.85, 0.85, 0.5, 0.92, 0.92, 0.92, 0.5};
        for (int i = 0; i < values.length; i++) {
            csv.append(T0.plusSeconds(60L * i)).append(",postgresql,pg-1,connections_used_ratio,").append(values[i]).append('\n');
        }
        Path metrics = CliRun.write(dir, "recorded.csv", csv.toString());
        Path candidate = CliRun.write(dir, "candidate.yaml", rule("conn", 0.8));

        CliRun run = CliRun.of("backtest", "--bootstrap", broker.bootstrapServers(), "--registry", registry,
                "--topic", rulesTopic, "--metrics", metrics.toString(), "--rules", candidate.toString());

        assertEquals(0, run.exit(), run.toString());
        String out = squeeze(run.out());
        assertTrue(out.contains("Current rules: 1 on " + rulesTopic), run.out());
        // candidate (> 0.8): 10:02-10:04 and 10:06-10:08; in force (> 0.9, from the topic): 10:06-10:08 only.
        assertTrue(out.contains("conn pg-1 connections_used_ratio | 2 4m 4 | 1 2m 2"), run.out());
    }

    @Test
    void saysWhenNoTopicMatches() {
        Path candidate = CliRun.write(dir, "candidate.yaml", rule("conn", 0.8));

        CliRun run = CliRun.of("backtest", "--bootstrap", broker.bootstrapServers(), "--registry", registry,
                "--metrics-prefix", prefix, "--no-current", "--rules", candidate.toString(), "--timeout", "10s");

        assertEquals(GdsRules.EXIT_FAILURE, run.exit(), run.toString());
        assertTrue(run.err().contains("no topic on " + broker.bootstrapServers() + " matches"), run.err());
    }
}
